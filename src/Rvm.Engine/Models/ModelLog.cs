using System;

namespace Rvm.Models;

/// <summary>
/// Where the engine reports what it does while it finds, fetches and converts a model. The callbacks may run
/// on any thread; a PowerShell host queues them and writes them from the pipeline thread.
/// </summary>
public sealed class ModelLog
{
    public static readonly ModelLog None = new ModelLog();

    public Action<string>? Verbose { get; set; }
    public Action<string>? Warning { get; set; }
    /// <summary>Activity, bytes done, total bytes when known.</summary>
    public Action<string, long, long?>? Progress { get; set; }

    internal void Say(string message) => Verbose?.Invoke(message);
    internal void Warn(string message) => Warning?.Invoke(message);
    internal void Report(string activity, long done, long? total) => Progress?.Invoke(activity, done, total);
}

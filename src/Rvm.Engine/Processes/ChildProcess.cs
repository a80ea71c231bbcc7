using System;
using System.ComponentModel;
using System.Diagnostics;

namespace Rvm.Processes;

/// <summary>
/// A child process started by the engine (ffmpeg, ffprobe, npm) that can be ended whole: on Windows it runs in a
/// <see cref="KillOnCloseJob"/>, so Kill also ends what a launcher started, and nothing outlives disposal.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly KillOnCloseJob? _job;

    private ChildProcess(Process process, KillOnCloseJob? job)
    {
        Process = process;
        _job = job;
    }

    public Process Process { get; }

    /// <summary>Starts the process; throws what Process.Start throws (Win32Exception when the program is missing).</summary>
    public static ChildProcess Start(ProcessStartInfo info, string name)
    {
        var process = Process.Start(info) ?? throw new System.IO.IOException($"{name} could not be started.");
        return new ChildProcess(process, KillOnCloseJob.TryHold(process));
    }

    public void Kill()
    {
        if (_job != null && _job.Terminate()) return;
        try
        {
            if (!Process.HasExited) Process.Kill();
        }
        catch (InvalidOperationException) { }
        catch (Win32Exception) { }
    }

    public void Dispose()
    {
        _job?.Dispose();
        Process.Dispose();
    }
}

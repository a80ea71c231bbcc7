using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Rvm.Models;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>
/// Runs engine work on a worker thread while the pipeline thread writes what the work reports: only the
/// pipeline thread may call WriteVerbose, WriteWarning or WriteProgress, so workers enqueue and this drains.
/// </summary>
internal sealed class LogPump
{
    private readonly BlockingCollection<Action<Cmdlet>> _messages = new BlockingCollection<Action<Cmdlet>>();
    private readonly int _activityId;

    public LogPump(int activityId)
    {
        _activityId = activityId;
        Log = new ModelLog
        {
            Verbose = m => _messages.Add(c => c.WriteVerbose(m)),
            Warning = m => _messages.Add(c => c.WriteWarning(m)),
            Progress = (activity, done, total) => _messages.Add(c => c.WriteProgress(Progress(activity, done, total))),
        };
    }

    public ModelLog Log { get; }

    /// <summary>Queues anything else a worker wants written (progress, say); it runs on the pipeline thread.</summary>
    public void Post(Action<Cmdlet> message) => _messages.Add(message);

    public T Run<T>(Cmdlet cmdlet, Func<T> work)
    {
        var task = Task.Run(work);
        while (!task.IsCompleted || _messages.Count > 0)
        {
            if (_messages.TryTake(out var message, 100)) message(cmdlet);
        }
        while (_messages.TryTake(out var rest)) rest(cmdlet);
        return task.GetAwaiter().GetResult();
    }

    private ProgressRecord Progress(string activity, long done, long? total)
    {
        var status = total.HasValue ? $"{done / 1048576.0:0.0} of {total.Value / 1048576.0:0.0} MB" : (done > 0 ? $"{done / 1048576.0:0.0} MB" : "Working");
        var record = new ProgressRecord(_activityId, activity, status);
        if (total > 0) record.PercentComplete = (int)Math.Min(100, done * 100 / total.Value);
        return record;
    }
}

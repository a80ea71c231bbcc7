using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using Rvm.Batch;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>Get-RvmBatch: where a batch stands, from its results and the engine; -Wait until every task has a result.</summary>
[Cmdlet(VerbsCommon.Get, "RvmBatch")]
[OutputType(typeof(RvmBatchStatus))]
public sealed class GetRvmBatchCommand : RvmCmdlet
{
    private const int Activity = 13;
    // How often -Wait reads the results and asks the engine: squeue is cheap, and a task takes seconds at least.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string JobFolder { get; set; } = "";

    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Seconds -Wait waits at most; default: no limit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Timeout { get; set; }

    protected override void ProcessRecord()
    {
        var folder = new BatchFolder(ResolveOutputPath(JobFolder));
        try
        {
            var plan = BatchPlan.Load(folder);
            var status = BatchStatusReader.Read(folder, plan, SlurmEngine.Query);
            if (Wait) status = WaitFor(folder, plan, status);
            WriteObject(status);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteError(ErrorRecords.From(e, "GetRvmBatchFailed", folder.Path));
        }
    }

    private RvmBatchStatus WaitFor(BatchFolder folder, BatchPlan plan, RvmBatchStatus status)
    {
        var clock = Stopwatch.StartNew();
        var activity = $"Batch {plan.Id}";
        int idlePolls = 0;
        while (!status.Complete)
        {
            if (Timeout is int seconds && clock.Elapsed.TotalSeconds >= seconds)
            {
                WriteWarning($"Get-RvmBatch -Wait: {status.Total - status.Done - status.Failed} of {status.Total} tasks of '{folder.Path}' have no result after {seconds} s.");
                break;
            }
            // The engine runs nothing and nothing is waiting, yet tasks have no result (cancelled, or killed before
            // writing one): waiting longer cannot finish them. Twice, since a task may end between two reads.
            idlePolls = status.Pending == 0 && status.Running == 0 ? idlePolls + 1 : 0;
            if (idlePolls >= 2)
            {
                WriteWarning($"{status.Total - status.Done - status.Failed} tasks of '{folder.Path}' have no result and {status.Engine} runs none of them (cancelled or killed); Start-RvmBatch runs them again.");
                break;
            }
            var running = status.Running is int r ? $"{r} running" : "running unknown";
            WriteProgress(new ProgressRecord(Activity, activity, $"{status.Done + status.Failed} of {status.Total} finished ({status.Failed} failed), {running}")
            {
                PercentComplete = status.Total == 0 ? 100 : (status.Done + status.Failed) * 100 / status.Total,
            });
            StopToken.WaitHandle.WaitOne(PollInterval);
            StopToken.ThrowIfCancellationRequested();
            status = BatchStatusReader.Read(folder, plan, SlurmEngine.Query);
        }
        WriteProgress(new ProgressRecord(Activity, activity, "Done") { RecordType = ProgressRecordType.Completed });
        return status;
    }
}

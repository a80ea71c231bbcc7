using System;
using System.Management.Automation;
using Rvm.Batch;
using Rvm.Matting;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>
/// Invoke-RvmBatchTask: what each task of a batch runs on its worker. Converts one plan entry through the same
/// engine path as Convert-RvmVideo, skips it when its outputs are complete, and writes results/&lt;index&gt;.json.
/// A failure is a non-terminating error, so "pwsh -Command" exits 1.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "RvmBatchTask")]
[OutputType(typeof(RvmConversionResult))]
public sealed class InvokeRvmBatchTaskCommand : RvmCmdlet
{
    private const int Activity = 12;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string JobFolder { get; set; } = "";

    /// <summary>The task; default: the engine's array index variable.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Index { get; set; }

    /// <summary>For engines that cannot make a task wait for others (Kubernetes): the last part of a video to finish joins the parts.</summary>
    [Parameter]
    public SwitchParameter JoinAfterLastPart { get; set; }

    protected override void ProcessRecord()
    {
        var folder = new BatchFolder(ResolveOutputPath(JobFolder));
        PlanEntry entry;
        BatchPlan plan;
        try
        {
            plan = BatchPlan.Load(folder);
            BatchTask.CheckVersion(plan, folder.PlanPath);
            entry = BatchTask.Entry(plan, Index ?? BatchTask.IndexFromEnvironment(), folder.PlanPath);
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteError(ErrorRecords.From(e, "InvalidBatchTask", folder.Path));
            return;
        }
        var pump = new LogPump(Activity);
        var name = System.IO.Path.GetFileName(entry.Request.Input);
        try
        {
            // Loaded once, and only if there is work: a part that also joins uses it twice.
            var model = new Lazy<Inference.RvmModel>(() => BatchTask.LoadModel(plan.Model, pump.Log));
            var task = pump.Run(this, () => BatchTask.Run(folder, plan, entry, () => model.Value, StopToken,
                p => pump.Post(c => c.WriteProgress(new ProgressRecord(Activity, $"Task {entry.Index}: {name}", $"Frame {p.FramesDone}, {p.FramesPerSecond:0.0} fps"))),
                pump.Log.Verbose, pump.Log.Warning, JoinAfterLastPart));
            if (task?.Result != null) WriteObject(task.Result);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (BatchTaskException e)
        {
            WriteError(ErrorRecords.From(e.InnerException!, "BatchTaskFailed", entry.Request.Input));
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteError(ErrorRecords.From(e, "BatchTaskStopped", entry.Request.Input));
        }
    }
}

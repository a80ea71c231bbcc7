using System;
using System.Linq;
using System.Management.Automation;
using Rvm.Batch;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

public enum RvmBatchEngine
{
    Slurm,
    Kubernetes,
}

/// <summary>
/// Start-RvmBatch: submits the tasks of a batch that are not done to Slurm (a job array), or writes a Kubernetes
/// Indexed Job for them. Starting a batch again runs only what has no successful result.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "RvmBatch")]
[OutputType(typeof(RvmBatch))]
public sealed class StartRvmBatchCommand : RvmCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string JobFolder { get; set; } = "";

    [Parameter(Mandatory = true)]
    public RvmBatchEngine Engine { get; set; }

    /// <summary>Tasks running at once; default: all.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Throttle { get; set; }

    [Parameter]
    public string? Partition { get; set; }

    [Parameter]
    public string[] EngineArgument { get; set; } = Array.Empty<string>();

    [Parameter]
    public string? Image { get; set; }

    [Parameter]
    public string VolumeClaim { get; set; } = "rvm-shared";

    [Parameter]
    public SwitchParameter Apply { get; set; }

    protected override void ProcessRecord()
    {
        var folder = new BatchFolder(ResolveOutputPath(JobFolder));
        try
        {
            var plan = BatchPlan.Load(folder);
            var starter = new BatchStarter(folder, plan);
            var throttle = Throttle ?? plan.Entries.Count;
            if (Engine == RvmBatchEngine.Slurm)
            {
                var indexes = starter.StartSlurm(throttle, Partition, EngineArgument, SlurmEngine.Query);
                WriteVerbose(indexes.Count == 0 ? $"Every task of '{folder.Path}' is done: nothing to submit." : $"Submitted tasks {string.Join(",", indexes)} of '{folder.Path}' to Slurm.");
            }
            else
            {
                var yaml = starter.WriteKubernetes(throttle, Image ?? $"rvm-worker:{plan.ModuleVersion}", VolumeClaim);
                var apply = $"kubectl apply -f '{yaml}'";
                if (Apply)
                {
                    var output = starter.ApplyKubernetes(yaml);
                    WriteVerbose(output);
                }
                // Shown on the console, yet in the information stream, so a script can capture or silence it (6>).
                else WriteInformation(new HostInformationMessage { Message = $"Run the batch with: {apply}" }, new[] { "PSHOST" });
            }
            WriteObject(RvmBatch.Of(folder, plan));
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteError(ErrorRecords.From(e, "StartRvmBatchFailed", folder.Path));
        }
    }
}

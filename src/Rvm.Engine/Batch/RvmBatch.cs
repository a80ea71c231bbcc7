namespace Rvm.Batch;

/// <summary>A batch's job folder and where it was submitted; what New-RvmBatch and Start-RvmBatch return.</summary>
public sealed class RvmBatch
{
    public string Id { get; internal set; } = "";
    public string JobFolder { get; internal set; } = "";
    /// <summary>The number of tasks (inputs).</summary>
    public int Count { get; internal set; }
    public string Destination { get; internal set; } = "";
    /// <summary>Slurm or Kubernetes once started; null before.</summary>
    public string? Engine { get; internal set; }
    /// <summary>The engine's id of the latest submission (Slurm's job id, Kubernetes' Job name); null before.</summary>
    public string? EngineJobId { get; internal set; }

    internal static RvmBatch Of(BatchFolder folder, BatchPlan plan)
    {
        var state = EngineState.Load(folder);
        return new RvmBatch
        {
            Id = plan.Id,
            JobFolder = folder.Path,
            Count = plan.Entries.Count,
            Destination = plan.Destination,
            Engine = state?.Engine,
            EngineJobId = state?.JobId,
        };
    }
}

using System;
using Rvm.Matting;

namespace Rvm.Batch;

/// <summary>Where a batch stands: what its results say, and (when the engine answers) what is pending and running.</summary>
public sealed class RvmBatchStatus
{
    public string Id { get; internal set; } = "";
    public string JobFolder { get; internal set; } = "";
    public string? Engine { get; internal set; }
    public string? EngineJobId { get; internal set; }
    public int Total { get; internal set; }
    /// <summary>Tasks with a result that succeeded (converted, or found complete).</summary>
    public int Done { get; internal set; }
    public int Failed { get; internal set; }
    /// <summary>From the engine (squeue); null when it did not answer (unknown).</summary>
    public int? Pending { get; internal set; }
    public int? Running { get; internal set; }
    public RvmConversionResult[] Results { get; internal set; } = Array.Empty<RvmConversionResult>();
    public RvmBatchFailure[] Failures { get; internal set; } = Array.Empty<RvmBatchFailure>();
    /// <summary>Frames converted by the tasks that ran (not those skipped as complete).</summary>
    public long Frames { get; internal set; }
    /// <summary>Mean frames per second of one task (each task's frames over its conversion time).</summary>
    public double MeanFramesPerSecond { get; internal set; }
    /// <summary>The preview sheets (&lt;name&gt;.preview.png, New-RvmPreview) beside the outputs of converted tasks, those that exist.</summary>
    public string[] Previews { get; internal set; } = Array.Empty<string>();
    /// <summary>Every task has a result.</summary>
    public bool Complete => Done + Failed >= Total;

    public override string ToString() => $"{Done}/{Total} done, {Failed} failed";
}

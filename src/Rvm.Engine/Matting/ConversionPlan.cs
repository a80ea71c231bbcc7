using System.Collections.Generic;
using Rvm.Media;

namespace Rvm.Matting;

/// <summary>
/// A conversion decided once, before any work: the input (probed), every output with its format and provenance
/// tag, and whether to convert or skip. The converter runs a plan and does not decide again, except to re-check
/// the outputs under their claims, since another run may have written them meanwhile.
/// </summary>
internal sealed class ConversionPlan
{
    public ConversionPlan(ConversionRequest request, OutputPolicy policy, MediaInfo? inputInfo, IReadOnlyList<PlannedOutput> outputs, string? skipReason)
    {
        Request = request;
        Policy = policy;
        InputInfo = inputInfo;
        Outputs = outputs;
        SkipReason = skipReason;
    }

    /// <summary>The frame size the network and the outputs work at (after -InputResize), and the ratio; 0 in a skip plan.</summary>
    public int Width { get; internal set; }
    public int Height { get; internal set; }
    public float Ratio { get; internal set; }
    /// <summary>The blur radius of -Background Blur, given or the default for the height; 0 with other backgrounds.</summary>
    public int BlurRadius { get; internal set; }
    /// <summary>The pictures of a folder input, in natural order; null for a video.</summary>
    public IReadOnlyList<string>? ImageFiles { get; internal set; }
    /// <summary>How the video is cut into parts and chunks with checkpoints; null: one pass straight into the outputs (a short video, or a folder).</summary>
    public Segments.SegmentPlan? Segmenting { get; internal set; }

    public ConversionRequest Request { get; }
    public OutputPolicy Policy { get; }
    /// <summary>What ffprobe said of a video input; null for a folder of pictures.</summary>
    public MediaInfo? InputInfo { get; }
    public IReadOnlyList<PlannedOutput> Outputs { get; }
    /// <summary>Why the input is not converted (its outputs are done, or it is an output itself); null to convert.</summary>
    public string? SkipReason { get; }
    public bool Skip => SkipReason != null;
}

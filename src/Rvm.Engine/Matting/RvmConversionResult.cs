using System;

namespace Rvm.Matting;

/// <summary>What one conversion made: its outputs (null when not made) and how it went.</summary>
public sealed class RvmConversionResult
{
    public string Input { get; internal set; } = "";
    public string? CompositionPath { get; internal set; }
    public string? AlphaPath { get; internal set; }
    public string? ForegroundPath { get; internal set; }
    /// <summary>The preview sheet written with -Preview (input | matte | composition PNG); null without it.</summary>
    public string? PreviewPath { get; internal set; }
    public long FrameCount { get; internal set; }
    /// <summary>Frames of the input lost, left out or concealed because they could not be decoded (-ErrorTolerance Conceal); 0 for a clean input.</summary>
    public long DamagedFrames { get; internal set; }
    public int Width { get; internal set; }
    public int Height { get; internal set; }
    /// <summary>The input's frame rate, e.g. "30000/1001" (a variable-rate input keeps its own timestamps).</summary>
    public string FrameRate { get; internal set; } = "";
    public TimeSpan Duration { get; internal set; }
    public TimeSpan Elapsed { get; internal set; }
    public double FramesPerSecond { get; internal set; }
    public string Device { get; internal set; } = "";
    public float DownsampleRatio { get; internal set; }
    /// <summary>Frames a stopped conversion had done already, taken from its checkpoints (0: converted from the start).</summary>
    public long ResumedAtFrame { get; internal set; }
    /// <summary>Parts of the video converted at once (-Segments); 1: one sequence.</summary>
    public int Segments { get; internal set; } = 1;

    public override string ToString() => $"{Input}: {FrameCount} frames at {FramesPerSecond:0.0} fps";
}

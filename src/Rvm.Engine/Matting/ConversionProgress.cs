using System;

namespace Rvm.Matting;

/// <summary>How far a conversion is: frames done of (about) how many, and the rate so far.</summary>
internal sealed class ConversionProgress
{
    public ConversionProgress(string input, long framesDone, long? totalFrames, TimeSpan elapsed)
    {
        Input = input;
        FramesDone = framesDone;
        TotalFrames = totalFrames;
        Elapsed = elapsed;
    }

    public string Input { get; }
    public long FramesDone { get; }
    public long? TotalFrames { get; }
    public TimeSpan Elapsed { get; }
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? FramesDone / Elapsed.TotalSeconds : 0;

    public TimeSpan? Remaining =>
        TotalFrames > FramesDone && FramesPerSecond > 0 ? TimeSpan.FromSeconds((TotalFrames.Value - FramesDone) / FramesPerSecond) : (TimeSpan?)null;
}

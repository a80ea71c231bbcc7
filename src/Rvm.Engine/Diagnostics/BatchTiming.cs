namespace Rvm.Diagnostics;

/// <summary>Several conversions as one batch: frames of all of them over the batch's wall time.</summary>
public sealed class BatchTiming
{
    public int Clips { get; internal set; }
    public long Frames { get; internal set; }
    public double Seconds { get; internal set; }
    public double FramesPerSecond => Seconds > 0 ? Frames / Seconds : 0;
    /// <summary>
    /// CPU time per frame, this process and its ffmpeg processes together: on a busy shared machine the figure
    /// that wall time hides (with the CPU saturated, frames per second = cores x 1000 / this, at best).
    /// </summary>
    public double CpuMsPerFrame { get; internal set; }
    /// <summary>Conversions at once.</summary>
    public int ThrottleLimit { get; internal set; }
    /// <summary>Intra-op CPU threads of each conversion.</summary>
    public int ThreadsEach { get; internal set; }
}

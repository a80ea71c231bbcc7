using System.Collections.Generic;
using System.Threading;
using Rvm.Inference;
using Rvm.Matting;

namespace Rvm.Diagnostics;

/// <summary>End-to-end figures of one conversion: speed, peak memory, and managed allocation in the steady state.</summary>
public sealed class ConversionTiming
{
    public RvmConversionResult Result { get; internal set; } = null!;
    public double FramesPerSecond => Result.FramesPerSecond;
    public long PeakResidentBytes { get; internal set; }
    /// <summary>Managed bytes allocated per frame after the first fifth of the video (the steady state).</summary>
    public double SteadyAllocatedBytesPerFrame { get; internal set; }
    /// <summary>CPU time per frame of the converting process itself: the network and the pixel work.</summary>
    public double ProcessCpuMsPerFrame { get; internal set; }
    /// <summary>CPU time per frame of the ffmpeg processes (decoder and encoders); -1 where not measurable.</summary>
    public double FfmpegCpuMsPerFrame { get; internal set; }
    /// <summary>Resident memory over the conversion, one sample per progress report (a quarter second).</summary>
    public IReadOnlyList<ResidentSample> ResidentSamples { get; internal set; } = new ResidentSample[0];
}

public static class ConversionBenchmark
{
    public static ConversionTiming Measure(RvmModel model, ConversionRequest request, long expectedFrames)
    {
        ProcessMemory.ResetPeak();
        var ownBefore = ProcessCpu.Own();
        var childrenBefore = ProcessCpu.FinishedChildren();
        long startFrame = -1, startBytes = 0, endFrame = 0, endBytes = 0;
        long threshold = expectedFrames / 5;
        // Room for an hour of converting at four reports a second: sampling then allocates nothing (values, no growth).
        var resident = new List<ResidentSample>(16384);
        using var residentReader = new ResidentMemoryReader();
        var result = new VideoConverter(model).Convert(request, progress =>
        {
            // Runs on the writer stage's thread, every quarter second.
            if (startFrame < 0 && progress.FramesDone >= threshold)
            {
                startFrame = progress.FramesDone;
                startBytes = ProcessMemory.AllocatedBytes();
            }
            endFrame = progress.FramesDone;
            endBytes = ProcessMemory.AllocatedBytes();
            resident.Add(new ResidentSample(progress.FramesDone, residentReader.Read()));
        }, CancellationToken.None);
        var own = ProcessCpu.Own() - ownBefore;
        var children = ProcessCpu.FinishedChildren() - childrenBefore;
        double frames = System.Math.Max(1, result.FrameCount);
        return new ConversionTiming
        {
            ProcessCpuMsPerFrame = own.TotalMilliseconds / frames,
            FfmpegCpuMsPerFrame = children.HasValue ? children.Value.TotalMilliseconds / frames : -1,
            Result = result,
            PeakResidentBytes = ProcessMemory.PeakResidentBytes(),
            ResidentSamples = resident,
            SteadyAllocatedBytesPerFrame = startFrame >= 0 && endFrame > startFrame ? (double)(endBytes - startBytes) / (endFrame - startFrame) : -1,
        };
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Rvm.Inference;
using Rvm.Matting;

namespace Rvm.Diagnostics;

/// <summary>
/// Several clips converted as Convert-RvmVideo -ThrottleLimit does: up to a limit at once through the same
/// scheduler, each conversion on a model of its own with the CPU threads divided (or as many as asked).
/// </summary>
public static class BatchBenchmark
{
    /// <param name="threadsEach">Intra-op threads per conversion; 0: the model's divided by <paramref name="throttleLimit"/>.</param>
    public static BatchTiming Measure(RvmModel model, IList<ConversionRequest> requests, int throttleLimit, int threadsEach = 0)
    {
        using var models = new SlotModels(model, throttleLimit, threadsEach);
        // Loaded before the clock starts: a run loads them once, however many inputs follow.
        models.LoadAll();
        long frames = 0;
        Exception? failure = null;
        var ownBefore = ProcessCpu.Own();
        var childrenBefore = ProcessCpu.FinishedChildren();
        var clock = Stopwatch.StartNew();
        using (var scheduler = new ConversionScheduler(throttleLimit, CancellationToken.None))
        {
            foreach (var request in requests)
                scheduler.Start((slot, cancel) => new VideoConverter(models.For(slot)).Convert(request, cancel: cancel),
                    (result, error) =>
                    {
                        if (result != null) frames += result.FrameCount;
                        failure ??= error;
                    });
            scheduler.WaitAll();
        }
        clock.Stop();
        var cpu = ProcessCpu.Own() - ownBefore + (ProcessCpu.FinishedChildren() - childrenBefore ?? TimeSpan.Zero);
        if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return new BatchTiming { Clips = requests.Count, Frames = frames, Seconds = clock.Elapsed.TotalSeconds, ThrottleLimit = throttleLimit, ThreadsEach = models.ThreadsEach,
            CpuMsPerFrame = cpu.TotalMilliseconds / Math.Max(1, frames) };
    }
}

using System;
using System.Threading;
using Rvm.Threading;
using Xunit;

namespace Rvm.Tests;

public sealed class BandRunnerTests
{
    [Fact]
    public void RunsEveryBandOnceAndWaitsForAll()
    {
        using var runner = new BandRunner(3, "test");
        var counts = new int[3];
        Action<int> body = band => { Thread.Sleep(band * 5); Interlocked.Increment(ref counts[band]); };
        for (int i = 0; i < 10; i++) runner.Run(body);
        Assert.Equal(new[] { 10, 10, 10 }, counts);
    }

    [Fact]
    public void RethrowsAWorkersFailureAndGoesOn()
    {
        using var runner = new BandRunner(2, "test");
        var e = Assert.Throws<InvalidOperationException>(() => runner.Run(band => { if (band == 1) throw new InvalidOperationException("band 1"); }));
        Assert.Equal("band 1", e.Message);
        int ran = 0;
        runner.Run(_ => Interlocked.Increment(ref ran));
        Assert.Equal(2, ran);
    }

    [Fact]
    public void AllocatesNothingPerRun()
    {
        // Counted per thread (the caller's and the worker's own counters): other tests run at the same time.
        using var runner = new BandRunner(2, "test");
        long workerFirst = 0, workerLast = 0;
        bool first = false;
        Action<int> body = band =>
        {
            if (band == 0) return;
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (first) workerFirst = now;
            workerLast = now;
        };
        for (int i = 0; i < 100; i++) runner.Run(body);
        first = true;
        runner.Run(body);
        first = false;
        long callerBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) runner.Run(body);
        long perRun = (GC.GetAllocatedBytesForCurrentThread() - callerBefore + workerLast - workerFirst) / 1000;
        Assert.True(perRun < 16, $"{perRun} bytes a run");
    }
}

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
        using var runner = new BandRunner(2, "test");
        var sink = new long[2];
        Action<int> body = band => sink[band]++;
        for (int i = 0; i < 100; i++) runner.Run(body);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 1000; i++) runner.Run(body);
        long perRun = (GC.GetTotalAllocatedBytes(precise: true) - before) / 1000;
        Assert.True(perRun < 16, $"{perRun} bytes a run");
    }
}

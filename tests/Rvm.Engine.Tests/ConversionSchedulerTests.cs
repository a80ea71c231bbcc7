using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Rvm.Matting;
using Xunit;

namespace Rvm.Tests;

/// <summary>The scheduler behind Convert-RvmVideo -ThrottleLimit, driven with stand-in work (no model, no ffmpeg).</summary>
public sealed class ConversionSchedulerTests
{
    private static RvmConversionResult Done(string input) => new RvmConversionResult { Input = input, FrameCount = 1 };

    [Fact]
    public void RunsNoMoreThanTheLimitAtOnceAndUsesEverySlot()
    {
        using var scheduler = new ConversionScheduler(2, CancellationToken.None);
        int now = 0, most = 0;
        var slotsBusy = new int[2];
        var slotsUsed = new HashSet<int>();
        var results = new List<string>();
        var owner = Thread.CurrentThread;
        for (int i = 0; i < 6; i++)
        {
            var name = $"clip{i}";
            scheduler.Start((slot, cancel) =>
            {
                Assert.Equal(1, Interlocked.Increment(ref slotsBusy[slot]));
                int running = Interlocked.Increment(ref now);
                InterlockedMax(ref most, running);
                Thread.Sleep(60);
                Interlocked.Decrement(ref now);
                Interlocked.Decrement(ref slotsBusy[slot]);
                lock (slotsUsed) slotsUsed.Add(slot);
                return Done(name);
            }, (result, error) =>
            {
                // Ends are reported on the owner's thread, the only one allowed to write to the pipeline.
                Assert.Same(owner, Thread.CurrentThread);
                Assert.Null(error);
                results.Add(result!.Input);
            });
            Assert.True(scheduler.Running <= 2);
        }
        scheduler.WaitAll();
        Assert.Equal(2, most);
        Assert.Equal(new[] { 0, 1 }, slotsUsed.OrderBy(s => s));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"clip{i}"), results.OrderBy(r => r));
        Assert.Equal(0, scheduler.Running);
    }

    [Fact]
    public void LimitOfOneRunsOneAtATime()
    {
        using var scheduler = new ConversionScheduler(1, CancellationToken.None);
        int now = 0, most = 0;
        for (int i = 0; i < 3; i++)
            scheduler.Start((slot, cancel) =>
            {
                InterlockedMax(ref most, Interlocked.Increment(ref now));
                Thread.Sleep(20);
                Interlocked.Decrement(ref now);
                return Done("x");
            }, (result, error) => { });
        scheduler.WaitAll();
        Assert.Equal(1, most);
    }

    [Fact]
    public void OneFailureIsReportedAndTheOthersFinish()
    {
        using var scheduler = new ConversionScheduler(2, CancellationToken.None);
        var ok = new List<string>();
        var errors = new List<Exception>();
        foreach (var name in new[] { "a", "broken", "c", "d" })
            scheduler.Start((slot, cancel) =>
            {
                Thread.Sleep(30);
                if (name == "broken") throw new InvalidOperationException("broken input");
                return Done(name);
            }, (result, error) =>
            {
                if (error != null) errors.Add(error);
                else ok.Add(result!.Input);
            });
        scheduler.WaitAll();
        Assert.Equal("broken input", Assert.Single(errors).Message);
        Assert.Equal(new[] { "a", "c", "d" }, ok.OrderBy(n => n));
    }

    [Fact]
    public void CancellationStopsEveryRunningConversionAndWaitsForThem()
    {
        using var stop = new CancellationTokenSource();
        using var scheduler = new ConversionScheduler(2, stop.Token);
        int started = 0, cleanedUp = 0;
        var ends = new List<Exception?>();
        for (int i = 0; i < 2; i++)
            scheduler.Start((slot, cancel) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    // A conversion that would run for a minute unless stopped.
                    cancel.WaitHandle.WaitOne(TimeSpan.FromMinutes(1));
                    cancel.ThrowIfCancellationRequested();
                    return Done("never");
                }
                finally
                {
                    Thread.Sleep(50);
                    Interlocked.Increment(ref cleanedUp);
                }
            }, (result, error) => ends.Add(error));
        SpinWait.SpinUntil(() => Volatile.Read(ref started) == 2, TimeSpan.FromSeconds(10));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        stop.Cancel();
        scheduler.WaitAll();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Stopping took {clock.Elapsed}.");
        Assert.Equal(2, cleanedUp);
        Assert.Equal(2, ends.Count);
        Assert.All(ends, e => Assert.IsAssignableFrom<OperationCanceledException>(e));
    }

    [Fact]
    public void AfterAStopItWaitsForAllEvenWhenReportingThrows()
    {
        using var stop = new CancellationTokenSource();
        using var scheduler = new ConversionScheduler(2, stop.Token);
        int ended = 0;
        for (int i = 0; i < 2; i++)
            scheduler.Start((slot, cancel) =>
            {
                cancel.WaitHandle.WaitOne(TimeSpan.FromMinutes(1));
                Thread.Sleep(30 * (slot + 1));
                Interlocked.Increment(ref ended);
                throw new OperationCanceledException(cancel);
            }, (result, error) => throw new InvalidOperationException("the pipeline is stopped"));
        stop.Cancel();
        scheduler.WaitAllAfterStop();
        Assert.Equal(2, ended);
        Assert.Equal(0, scheduler.Running);
    }

    [Fact]
    public void PostedMessagesRunOnTheOwnersThread()
    {
        using var scheduler = new ConversionScheduler(2, CancellationToken.None);
        var owner = Thread.CurrentThread;
        var seen = new List<Thread>();
        for (int i = 0; i < 2; i++)
            scheduler.Start((slot, cancel) =>
            {
                scheduler.Post(() => seen.Add(Thread.CurrentThread));
                return Done("x");
            }, (result, error) => { });
        scheduler.WaitAll();
        Assert.Equal(2, seen.Count);
        Assert.All(seen, t => Assert.Same(owner, t));
    }

    [Theory]
    [InlineData(2, 1, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(2, 4, 1)]
    [InlineData(8, 3, 2)]
    public void DividesTheThreads(int modelThreads, int limit, int each) =>
        Assert.Equal(each, ConversionScheduler.ThreadsEach(modelThreads, limit));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}

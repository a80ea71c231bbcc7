using System;
using Rvm.Matting;
using Xunit;

namespace Rvm.Tests;

/// <summary>The parent progress bar's "Input n of N", share done and time left.</summary>
public sealed class InputsProgressTests
{
    private TimeSpan _now;

    private InputsProgress Progress(int? total) => new InputsProgress(total, () => _now);

    [Fact]
    public void KnownInputsShowNOfNAndTheTimeLeftFromFramesDone()
    {
        var progress = Progress(4);
        int first = progress.Next();
        Assert.Equal("Input 1 of 4: a.mp4", progress.Status(first, "a.mp4"));
        progress.Start(first);
        Assert.Null(progress.Remaining); // nothing done yet: no rate
        _now = TimeSpan.FromSeconds(10);
        progress.Report(first, 50, 100);
        // Half an input in 10 s: 3.5 inputs left take 70 s.
        Assert.Equal(TimeSpan.FromSeconds(70), progress.Remaining);
        Assert.Equal(12, progress.PercentComplete);

        _now = TimeSpan.FromSeconds(20);
        progress.Finish(first);
        Assert.Equal(TimeSpan.FromSeconds(60), progress.Remaining);
        Assert.Equal(25, progress.PercentComplete);
    }

    [Fact]
    public void InputsOfUnknownLengthCountWhenTheyFinish()
    {
        var progress = Progress(3);
        int first = progress.Next();
        _now = TimeSpan.FromSeconds(5);
        progress.Start(first);
        _now = TimeSpan.FromSeconds(15);
        progress.Report(first, 200, null);
        Assert.Null(progress.Remaining);
        progress.Finish(first);
        Assert.Equal(TimeSpan.FromSeconds(20), progress.Remaining); // 10 s per input, 2 left
    }

    [Fact]
    public void SkippedInputsTakeNoTimeAndParallelInputsAddUp()
    {
        var progress = Progress(4);
        int a = progress.Next(), b = progress.Next(), c = progress.Next();
        progress.Pass(a);
        progress.Start(b);
        progress.Start(c);
        _now = TimeSpan.FromSeconds(30);
        progress.Report(b, 1, 2);
        progress.Report(c, 1, 2);
        // One input's worth in 30 s; of the 3 to convert, 2 are left.
        Assert.Equal(TimeSpan.FromSeconds(60), progress.Remaining);
        Assert.Equal(33, progress.PercentComplete);
        Assert.Equal("Input 3 of 4: c.mp4", progress.Status(c, "c.mp4"));
    }

    [Fact]
    public void PipelineInputsHaveNoCountShareOrTimeLeft()
    {
        var progress = Progress(null);
        int first = progress.Next();
        progress.Start(first);
        _now = TimeSpan.FromSeconds(10);
        progress.Report(first, 5, 10);
        Assert.Equal("Input 1: a.mp4", progress.Status(first, "a.mp4"));
        Assert.Null(progress.PercentComplete);
        Assert.Null(progress.Remaining);
    }
}

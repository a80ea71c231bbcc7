using System.Linq;
using Rvm.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Rvm.Tests;

[Collection("model")]
public sealed class PreRollStudyTests
{
    private readonly ModelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public PreRollStudyTests(ModelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void PreRollBringsASegmentBackToTheSequentialRun()
    {
        // 40 frames of the street scene at half size, split at frame 20.
        const int boundary = 20;
        var results = PreRollStudy.Run(_fixture.Model, TestData.Shared("media", "vtest-first20s.avi"), 384, 288,
            new[] { boundary }, new[] { 0, 8, 30 }, overlaps: new[] { 8 }, maxFrames: 40);
        foreach (var r in results)
            _output.WriteLine($"P {r.PreRoll} W {r.Overlap}: mean {r.MeanMae:E3}, worst {r.WorstMae:E3} at +{r.WorstAfterBoundary}, above target {r.FramesAboveTarget} frames");
        Assert.Equal(6, results.Count);
        PreRollResult Of(int preRoll, int overlap) => results.Single(r => r.PreRoll == preRoll && r.Overlap == overlap);

        var cold = Of(0, 0);
        Assert.Equal(40, cold.Frames);
        // Before the boundary every frame is the sequential run's.
        Assert.All(results, r => Assert.All(r.FrameMae.Take(boundary), e => Assert.Equal(0, e)));
        // A segment started from an empty state at its boundary differs from the sequential run.
        Assert.True(cold.FrameMae[boundary] > 0);
        Assert.True(cold.MeanMae > 0);
        Assert.Equal(boundary, cold.WorstBoundary);
        // Pre-roll reaching back to frame 0 is the sequential run, exactly.
        Assert.All(results.Where(r => r.PreRoll == 30), r => Assert.All(r.FrameMae, e => Assert.Equal(0, e)));
        // Some pre-roll is no worse than none (a little slack: the state need not converge monotonically).
        Assert.True(Of(8, 0).MeanMae <= cold.MeanMae * 1.1, $"P 8: {Of(8, 0).MeanMae}, P 0: {cold.MeanMae}");
        // With two segments the first is the sequential run, so fading from it can only bring frames closer,
        // and frame 20 + i is faded by (i + 1) / 9 of the way.
        var faded = Of(0, 8);
        for (int i = 0; i < 8; i++) Assert.Equal(cold.FrameMae[boundary + i] * (i + 1) / 9, faded.FrameMae[boundary + i], 9);
        Assert.Equal(cold.FrameMae.Skip(boundary + 8), faded.FrameMae.Skip(boundary + 8));
    }
}

using System;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.Matting;
using Xunit;
using Xunit.Abstractions;

namespace Rvm.Tests;

/// <summary>The matte controls on the real model's mattes, through the frame path (Save-RvmFrame's).</summary>
[Collection("model")]
public sealed class MatteOnRealModelTests
{
    private readonly ModelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public MatteOnRealModelTests(ModelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private RvmFrameResult Astronaut()
    {
        var frame = ImageFileReader.Read(System.IO.Path.Combine(TestData.RepoRoot, "samples", "astronaut.jpg"));
        return _fixture.Model.Process(frame, DownsampleRatio.Auto(frame.Width, frame.Height), RecurrentState.Initial);
    }

    [Fact]
    public void GrowTwoThenShrinkTwoIsCloseToTheIdentityAwayFromEdges()
    {
        var matte = Astronaut();
        var grown = new FrameResultAdjuster(new MatteControls { Grow = 2 }).Apply(matte);
        var back = new FrameResultAdjuster(new MatteControls { Grow = -2 }).Apply(grown);
        int w = matte.Width, h = matte.Height, far = 0, near = 0;
        double farError = 0, nearError = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                // A closing never lowers alpha; it fills only where the matte has detail within 2 pixels.
                Assert.True(back.Alpha[p] >= matte.Alpha[p] - 1e-6f, $"({x},{y}) lowered");
                float lo = 1f, hi = 0f;
                for (int dy = -4; dy <= 4; dy++)
                    for (int dx = -4; dx <= 4; dx++)
                    {
                        float a = matte.Alpha[Math.Clamp(y + dy, 0, h - 1) * w + Math.Clamp(x + dx, 0, w - 1)];
                        lo = Math.Min(lo, a);
                        hi = Math.Max(hi, a);
                    }
                double d = back.Alpha[p] - matte.Alpha[p];
                if (hi - lo < 0.02f) { far++; farError = Math.Max(farError, d); }
                else { near++; nearError += d; }
            }
        _output.WriteLine($"{w}x{h}: {far} pixels away from edges, max error {farError:E2}; {near} near edges, mean error {nearError / near:E2}");
        Assert.True(far > w * h / 2, "most of the picture is away from an edge");
        Assert.True(farError <= 0.02, $"away from edges the closing moved alpha by {farError}");
        Assert.True(nearError / near < 0.05, $"near edges the closing moved alpha by {nearError / near} on average");
    }

    [Fact]
    public void FrameResultsAreSmoothedOnlyWhenConsecutive()
    {
        var matte = Astronaut();
        var adjuster = new FrameResultAdjuster(new MatteControls { TemporalSmoothing = 0.85f });
        var dimmer = Array.ConvertAll(matte.Alpha, a => a * 0.95f);
        Assert.Equal(matte.Alpha, adjuster.Apply(matte).Alpha); // a first (or single) picture is not smoothed
        var next = new RvmFrameResult(matte.Index + 1, matte.Width, matte.Height, dimmer, matte.Foreground, matte.State, matte.DownsampleRatio, null);
        var smoothed = adjuster.Apply(next).Alpha;
        Assert.NotEqual(dimmer, smoothed);
        var gap = new RvmFrameResult(matte.Index + 5, matte.Width, matte.Height, dimmer, matte.Foreground, matte.State, matte.DownsampleRatio, null);
        Assert.Equal(dimmer, adjuster.Apply(gap).Alpha);
        Assert.Same(matte, new FrameResultAdjuster(new MatteControls()).Apply(matte));
    }
}

using System;
using System.Linq;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.Matting;
using Xunit;

namespace Rvm.Tests;

/// <summary>The matte controls on synthetic mattes whose answers are known.</summary>
public sealed class MatteAdjusterTests
{
    private const int W = 40, H = 30;

    private static MatteAdjuster With(MatteControls controls, float[] alpha)
    {
        var adjuster = new MatteAdjuster(W, H, controls);
        alpha.CopyTo(adjuster.Alpha, 0);
        return adjuster;
    }

    /// <summary>1 inside the rectangle [x0,x1]×[y0,y1], 0 elsewhere.</summary>
    private static float[] Box(int x0, int y0, int x1, int y1)
    {
        var alpha = new float[W * H];
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) alpha[y * W + x] = 1f;
        return alpha;
    }

    [Fact]
    public void ThresholdClipsAndStretchesLinearly()
    {
        var alpha = new[] { 0f, 0.1f, 0.2f, 0.5f, 0.8f, 0.9f, 1f, 0.35f, 0.65f };
        var values = alpha.Concat(Enumerable.Repeat(0.5f, W * H - alpha.Length)).ToArray();
        var adjuster = With(new MatteControls { ThresholdLow = 0.2f, ThresholdHigh = 0.8f }, values);
        adjuster.Adjust();
        var expected = new[] { 0f, 0f, 0f, 0.5f, 1f, 1f, 1f, 0.25f, 0.75f };
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], adjuster.Alpha[i], 5);
        Assert.All(adjuster.Alpha.Skip(expected.Length), a => Assert.Equal(0.5f, a, 5));
    }

    [Fact]
    public void GrowMakesADotASquareAndShrinkTakesItBack()
    {
        var grown = With(new MatteControls { Grow = 2 }, Box(10, 10, 10, 10));
        grown.Adjust();
        Assert.Equal(Box(8, 8, 12, 12), grown.Alpha);

        var shrunk = With(new MatteControls { Grow = -2 }, grown.Alpha);
        shrunk.Adjust();
        Assert.Equal(Box(10, 10, 10, 10), shrunk.Alpha);

        // A square shrinks by the radius on every side, and one narrower than the window disappears.
        var square = With(new MatteControls { Grow = -3 }, Box(5, 5, 20, 15));
        square.Adjust();
        Assert.Equal(Box(8, 8, 17, 12), square.Alpha);
        var thin = With(new MatteControls { Grow = -1 }, Box(5, 5, 5, 20));
        thin.Adjust();
        Assert.All(thin.Alpha, a => Assert.Equal(0f, a));
    }

    [Fact]
    public void GrowAndShrinkRepeatTheEdge()
    {
        // A subject touching the frame's edge stays touching it: shrinking does not eat in from outside the frame.
        var edge = With(new MatteControls { Grow = -2 }, Box(0, 0, 9, H - 1));
        edge.Adjust();
        Assert.Equal(Box(0, 0, 7, H - 1), edge.Alpha);
        // Larger radii than the frame: the whole frame takes the extreme.
        var all = With(new MatteControls { Grow = 100 }, Box(3, 3, 3, 3));
        all.Adjust();
        Assert.All(all.Alpha, a => Assert.Equal(1f, a));
    }

    [Fact]
    public void FeatherKeepsFlatAreasAndMassAndSoftensAStep()
    {
        var flat = With(new MatteControls { Feather = 4 }, Enumerable.Repeat(0.7f, W * H).ToArray());
        flat.Adjust();
        Assert.All(flat.Alpha, a => Assert.Equal(0.7f, a, 5));

        // A vertical step at x = 20: every row becomes the same symmetric ramp around the step.
        var step = With(new MatteControls { Feather = 2 }, Box(0, 0, 19, H - 1));
        step.Adjust();
        var row = step.Alpha.AsSpan(10 * W, W).ToArray();
        Assert.Equal(1f, row[0], 5);
        Assert.Equal(0f, row[W - 1], 5);
        for (int x = 1; x < W; x++) Assert.True(row[x] <= row[x - 1] + 1e-6f, $"not monotonic at {x}");
        for (int d = 0; d < 8; d++) Assert.Equal(1f, row[19 - d] + row[20 + d], 5);
        // Three box passes of radius 2 reach 6 pixels each way, no further.
        Assert.Equal(1f, row[13], 5);
        Assert.True(row[14] < 1f);
        Assert.Equal(0f, row[26], 5);
        Assert.True(row[25] > 0f);
        for (int y = 0; y < H; y++) Assert.Equal(row, step.Alpha.AsSpan(y * W, W).ToArray());
    }

    [Fact]
    public void TemporalSmoothingAveragesFlickerButFollowsMotion()
    {
        var adjuster = new MatteAdjuster(W, H, new MatteControls { TemporalSmoothing = 0.85f });
        Array.Fill(adjuster.Alpha, 0.5f);
        adjuster.Adjust();
        Assert.All(adjuster.Alpha, a => Assert.Equal(0.5f, a)); // the first frame is as it is

        // Flicker of 0.04: w = 0.85·(1 − 4·0.04) = 0.714, so 0.54 becomes 0.54 − 0.714·0.04.
        Array.Fill(adjuster.Alpha, 0.54f);
        adjuster.Alpha[0] = 1f; // one pixel moves from background to subject: no ghost
        adjuster.Adjust();
        Assert.Equal(0.54f - 0.85f * (1f - 4f * 0.04f) * 0.04f, adjuster.Alpha[1], 5);
        Assert.Equal(1f, adjuster.Alpha[0]);

        // The smoothed alpha is what the next frame is averaged with.
        float previous = adjuster.Alpha[1];
        adjuster.Alpha.AsSpan().Fill(previous);
        adjuster.Adjust();
        Assert.Equal(previous, adjuster.Alpha[1], 6);

        adjuster.Reset();
        Array.Fill(adjuster.Alpha, 0.2f);
        adjuster.Adjust();
        Assert.All(adjuster.Alpha, a => Assert.Equal(0.2f, a));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(-4, 0)]
    [InlineData(0, 2)]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(-30, 0)] // windows wider and taller than the plane
    [InlineData(0, 40)]
    public void BandsAndVectorsGiveTheDirectSumsAnswer(int grow, int feather)
    {
        // An odd size (3 bands and the vector width do not divide it) against the plain definition, pixel by pixel.
        const int w = 37, h = 53;
        var random = new Random(7);
        var input = new float[w * h];
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
        using var runner = new Rvm.Threading.BandRunner(3, "test");
        var adjuster = new MatteAdjuster(w, h, new MatteControls { Grow = grow, Feather = feather }, runner);
        input.CopyTo(adjuster.Alpha, 0);
        adjuster.Adjust();

        var expected = (float[])input.Clone();
        if (grow != 0) expected = Direct(expected, w, h, Math.Abs(grow), window => grow > 0 ? window.Max() : window.Min());
        for (int pass = 0; pass < 3 && feather > 0; pass++) expected = Direct(expected, w, h, feather, window => window.Average());
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - adjuster.Alpha[i]) < 1e-5f, $"pixel {i}: {adjuster.Alpha[i]}, expected {expected[i]}");
    }

    /// <summary>Rows then columns, each pixel from its window of 2·radius+1 with the edges repeated.</summary>
    private static float[] Direct(float[] plane, int w, int h, int radius, Func<float[], float> reduce)
    {
        var rows = new float[plane.Length];
        var result = new float[plane.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                rows[y * w + x] = reduce(Enumerable.Range(-radius, 2 * radius + 1).Select(d => plane[y * w + Math.Clamp(x + d, 0, w - 1)]).ToArray());
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                result[y * w + x] = reduce(Enumerable.Range(-radius, 2 * radius + 1).Select(d => rows[Math.Clamp(y + d, 0, h - 1) * w + x]).ToArray());
        return result;
    }

    [Theory]
    [InlineData(501, 0, 0f, 1f, 0f, "MatteGrow")]
    [InlineData(-501, 0, 0f, 1f, 0f, "MatteGrow")]
    [InlineData(0, -1, 0f, 1f, 0f, "MatteFeather")]
    [InlineData(0, 0, 0.6f, 0.4f, 0f, "MatteThreshold")]
    [InlineData(0, 0, 0.5f, 0.5f, 0f, "MatteThreshold")]
    [InlineData(0, 0, -0.1f, 1f, 0f, "MatteThreshold")]
    [InlineData(0, 0, 0f, 1f, 1f, "TemporalSmoothing")]
    [InlineData(0, 0, 0f, 1f, -0.5f, "TemporalSmoothing")]
    public void RefusesValuesOutOfRangeNamingThem(int grow, int feather, float low, float high, float smoothing, string name)
    {
        var controls = new MatteControls { Grow = grow, Feather = feather, ThresholdLow = low, ThresholdHigh = high, TemporalSmoothing = smoothing };
        var error = Assert.Throws<ArgumentException>(controls.Validate);
        Assert.StartsWith(name, error.Message);
    }

    [Fact]
    public void AFrameAllocatesNothing()
    {
        var adjuster = new MatteAdjuster(W, H, new MatteControls { Grow = -2, Feather = 3, ThresholdLow = 0.1f, ThresholdHigh = 0.9f, TemporalSmoothing = 0.5f });
        adjuster.Adjust();
        adjuster.Adjust();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) adjuster.Adjust();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DefaultsAdjustNothing()
    {
        Assert.True(new MatteControls().IsDefault);
        new MatteControls().Validate();
        Assert.False(new MatteControls { ThresholdHigh = 0.9f }.IsDefault);
    }

    [Fact]
    public void ComposerUsesTheAdjustedAlphaForAlphaAndComposition()
    {
        // A white dot over black: grown, the alpha and the composition over green agree on the 5×5 square.
        const int w = 16, h = 12;
        using var matte = new MatteBuffer(w, h, fp16: false);
        Array.Fill(matte.Foreground, 1f);
        matte.Alpha[5 * w + 6] = 1f;
        using var composer = new FrameComposer(w, h, Background.OfColour(new RgbColor(0, 255, 0)), true, true, true, null, 3,
            new MatteControls { Grow = 2 });
        composer.Compose(matte, null);
        int plane = w * h;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool inside = Math.Abs(x - 6) <= 2 && Math.Abs(y - 5) <= 2;
                int p = y * w + x;
                Assert.Equal(inside ? 255 : 0, composer.Alpha[p]);
                Assert.Equal(255, composer.Composition[p]); // green: subject white or background green
                Assert.Equal(inside ? 255 : 0, composer.Composition[plane + p]); // blue
                Assert.Equal(255, composer.Foreground[p]); // the foreground's colour is not the matte's business
            }
        Assert.Equal(1f, matte.Alpha[5 * w + 6]); // the network's buffer is left as it was
        Assert.Equal(0f, matte.Alpha[5 * w + 7]);
    }
}

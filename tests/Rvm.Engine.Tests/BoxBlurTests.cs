using System;
using System.Linq;
using Rvm.Imaging;
using Rvm.Threading;
using Xunit;

namespace Rvm.Tests;

/// <summary>The background blur's three box passes on synthetic planes whose answers are known.</summary>
public sealed class BoxBlurTests
{
    /// <summary>Three box passes straight from the definition: each pass a 2-D mean over the (2r+1)² square, edges clamped.</summary>
    private static double[] Reference(double[] plane, int w, int h, int r)
    {
        var current = plane;
        for (int pass = 0; pass < 3; pass++)
        {
            var next = new double[w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double sum = 0;
                    for (int dy = -r; dy <= r; dy++)
                        for (int dx = -r; dx <= r; dx++)
                            sum += current[Math.Clamp(y + dy, 0, h - 1) * w + Math.Clamp(x + dx, 0, w - 1)];
                    next[y * w + x] = sum / ((2 * r + 1) * (2 * r + 1));
                }
            current = next;
        }
        return current;
    }

    /// <summary>Within 1e-5 of the exact value: a 255th is 4e-3, and the float running sums drift by about 1e-6.</summary>
    private static void Near(double expected, float actual) => Assert.InRange(actual, expected - 1e-5, expected + 1e-5);

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 7, 2)]
    [InlineData(19, 11, 3)]
    [InlineData(33, 9, 20)]
    public void MatchesTheTwoDimensionalDefinitionWithClampedEdges(int w, int h, int r)
    {
        var random = new Random(w * 100 + h);
        var bytes = new byte[3 + w * h];
        random.NextBytes(bytes);
        var plane = new float[w * h];
        new BoxBlur(w, h, r).Blur(bytes, 3, null, plane);
        var expected = Reference(bytes.Skip(3).Select(b => b / 255.0).ToArray(), w, h, r);
        for (int i = 0; i < plane.Length; i++) Near(expected[i], plane[i]);
    }

    [Fact]
    public void WeightsMultiplyThePixelsFirstAndFloatPlanesBlurInPlace()
    {
        const int w = 21, h = 17, r = 2;
        var random = new Random(7);
        var bytes = new byte[w * h];
        random.NextBytes(bytes);
        var weights = Enumerable.Range(0, w * h).Select(_ => (float)random.NextDouble()).ToArray();
        var weighted = new float[w * h];
        var blur = new BoxBlur(w, h, r);
        blur.Blur(bytes, 0, weights, weighted);
        var expected = Reference(bytes.Select((b, i) => b / 255.0 * weights[i]).ToArray(), w, h, r);
        for (int i = 0; i < weighted.Length; i++) Near(expected[i], weighted[i]);

        var floats = (float[])weights.Clone();
        blur.Blur(floats);
        expected = Reference(weights.Select(v => (double)v).ToArray(), w, h, r);
        for (int i = 0; i < floats.Length; i++) Near(expected[i], floats[i]);
    }

    [Fact]
    public void AConstantStaysThatConstant()
    {
        const int w = 1920, h = 1080;
        var bytes = Enumerable.Repeat((byte)200, w * h).ToArray();
        var plane = new float[w * h];
        using var runner = new BandRunner(2, "test blur");
        new BoxBlur(w, h, 20, runner).Blur(bytes, 0, null, plane);
        Assert.All(plane, v => Assert.Equal(200 / 255f, v, 5));
    }

    [Fact]
    public void AnImpulseSpreadsWithItsEnergyKeptAndSymmetric()
    {
        // Away from the edges nothing is clamped, so the sum of the blurred impulse is the impulse's.
        const int w = 200, h = 150, r = 10;
        var plane = new float[w * h];
        int cx = 100, cy = 75;
        plane[cy * w + cx] = 1f;
        new BoxBlur(w, h, r).Blur(plane);
        Assert.Equal(1.0, plane.Sum(v => (double)v), 4);
        // Three passes reach 3r each way and no further.
        Assert.True(plane[cy * w + cx + 3 * r] > 0f);
        // (A running sum leaves a residue of about 1e-10 where it subtracts what it added.)
        Assert.InRange(plane[cy * w + cx + 3 * r + 1], -1e-8f, 1e-8f);
        Assert.InRange(plane[(cy - 3 * r - 1) * w + cx], -1e-8f, 1e-8f);
        // Symmetric and peaked at the centre.
        Assert.Equal(plane[cy * w + cx - 7], plane[cy * w + cx + 7], 6);
        Assert.Equal(plane[(cy - 7) * w + cx], plane[cy * w + cx + 7], 6);
        Assert.Equal(plane.Max(), plane[cy * w + cx]);
        // Each box adds a variance of r(r+1)/3 along each axis, so three give σ² = r(r+1): σ = 10.49 for r = 10.
        double variance = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) variance += plane[y * w + x] * (x - cx) * (x - cx);
        Assert.Equal(r * (r + 1), variance, 2);
    }

    [Fact]
    public void BandsGiveTheSameResultAsOneThread()
    {
        // 4K width: also checks that the float running sums do not drift along long lines.
        const int w = 3840, h = 9, r = 20;
        var bytes = new byte[w * h];
        new Random(3).NextBytes(bytes);
        var one = new float[w * h];
        var three = new float[w * h];
        new BoxBlur(w, h, r).Blur(bytes, 0, null, one);
        using var runner = new BandRunner(3, "test blur");
        new BoxBlur(w, h, r, runner).Blur(bytes, 0, null, three);
        Assert.Equal(one, three);
        // The last pixel of a long row against the definition along that row (the columns are short).
        var row = Reference(bytes.Select(b => b / 255.0).ToArray(), w, h, r);
        for (int x = w - 50; x < w; x++) Near(row[(h / 2) * w + x], one[(h / 2) * w + x]);
    }
}

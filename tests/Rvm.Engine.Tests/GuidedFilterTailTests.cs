using System;
using Rvm.Inference;
using Xunit;

namespace Rvm.Tests;

/// <summary>The tail's alpha-only rows, which the whole-frame alpha (matte controls, a blurred background) is made of.</summary>
public sealed class GuidedFilterTailTests
{
    private const int W = 61, H = 37, LowW = 16, LowH = 10;

    [Fact]
    public void AlphaRowIsRowsAlphaBitForBit()
    {
        var random = new Random(3);
        var frame = new byte[3 * W * H];
        random.NextBytes(frame);
        float[] Coefficients()
        {
            var c = new float[4 * LowW * LowH];
            for (int i = 0; i < c.Length; i++) c[i] = (float)(random.NextDouble() * 2 - 0.5);
            return c;
        }
        var a = Coefficients();
        var b = Coefficients();
        var tail = new GuidedFilterTail(W, H, LowW, LowH);
        var full = tail.CreateBand();
        // One band makes alpha rows, then full rows without a reset: a row held with alpha's channels only must be resized whole again.
        var shared = tail.CreateBand();
        float[] r = new float[W], g = new float[W], bl = new float[W], expected = new float[W], alphaOnly = new float[W], again = new float[W];
        for (int y = 0; y < H; y++)
        {
            tail.Row(full, y, frame, a, b, r, g, bl, expected);
            tail.AlphaRow(shared, y, frame, a, b, alphaOnly);
            Assert.Equal(expected, alphaOnly);
            var (rr, gg, bb) = ((float[])r.Clone(), (float[])g.Clone(), (float[])bl.Clone());
            tail.Row(shared, y, frame, a, b, r, g, bl, again);
            Assert.Equal(expected, again);
            Assert.Equal(rr, r);
            Assert.Equal(gg, g);
            Assert.Equal(bb, bl);
        }
    }
}

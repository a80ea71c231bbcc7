using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Rvm.Imaging;

namespace Rvm.Inference;

/// <summary>
/// The full-resolution end of RVM's fast guided filter, done here instead of in ONNX Runtime, a row at a time:
/// A and b [4,h,w] are resized to the frame (bilinear, half-pixel centres, as TF's ResizeBilinear), then
/// fgr = clamp(A·src + b + src) and pha = clamp(A·mean(src) + b). Each row is made from two horizontally resized
/// rows of A and b, kept by the <see cref="Band"/> that works through consecutive rows, so the only full-size
/// memory is the frame's bytes and whatever the caller writes the rows into (ONNX Runtime needed about 560 MB
/// of intermediates for this at 4K). Bands are independent: callers run them in parallel.
/// </summary>
internal sealed class GuidedFilterTail
{
    private const int Channels = 8; // A for R, G, B, alpha, then b for the same

    private readonly int _width, _height;
    private readonly int[] _x0, _x1;
    private readonly float[] _wx;

    public GuidedFilterTail(int width, int height, int lowWidth, int lowHeight)
    {
        _width = width;
        _height = height;
        LowWidth = lowWidth;
        LowHeight = lowHeight;
        (_x0, _x1, _wx) = Bilinear.Columns(width, lowWidth);
    }

    public int LowWidth { get; }
    public int LowHeight { get; }

    /// <summary>One worker's scratch rows; reset it before each frame.</summary>
    public Band CreateBand() => new Band(_width);

    /// <summary>
    /// Row <paramref name="y"/> of the foreground (R, G, B) and alpha, in [0,1], from the frame (planes G, B, R,
    /// each W·H bytes) and the coefficients A and b ([4,h,w] each).
    /// </summary>
    public void Row(Band band, int y, ReadOnlySpan<byte> gbrp, float[] a, float[] b, Span<float> r, Span<float> g, Span<float> bl, Span<float> alpha)
    {
        var (top, bottom, wy) = Load(band, y, gbrp, a, b, alphaOnly: false);
        var sr = band.Source(0);
        var sg = band.Source(1);
        var sb = band.Source(2);

        int w = _width, x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int n = Vector<float>.Count;
            var weight = new Vector<float>(wy);
            for (; x + n <= w; x += n)
            {
                var vr = new Vector<float>(sr, x);
                var vg = new Vector<float>(sg, x);
                var vb = new Vector<float>(sb, x);
                Store(r, x, Clamp(Lerp(top, bottom, 0, x, weight) * vr + Lerp(top, bottom, 4, x, weight) + vr));
                Store(g, x, Clamp(Lerp(top, bottom, 1, x, weight) * vg + Lerp(top, bottom, 5, x, weight) + vg));
                Store(bl, x, Clamp(Lerp(top, bottom, 2, x, weight) * vb + Lerp(top, bottom, 6, x, weight) + vb));
            }
        }
        for (; x < w; x++)
        {
            float pr = sr[x], pg = sg[x], pb = sb[x];
            r[x] = Clamp(Lerp(top, bottom, 0, x, wy) * pr + Lerp(top, bottom, 4, x, wy) + pr);
            g[x] = Clamp(Lerp(top, bottom, 1, x, wy) * pg + Lerp(top, bottom, 5, x, wy) + pg);
            bl[x] = Clamp(Lerp(top, bottom, 2, x, wy) * pb + Lerp(top, bottom, 6, x, wy) + pb);
        }
        Alpha(band, top, bottom, wy, alpha);
    }

    /// <summary>
    /// Row <paramref name="y"/> of the alpha alone, as <see cref="Row"/> makes it, from two of the eight coefficient
    /// channels: for callers that need the whole frame's alpha before composing.
    /// </summary>
    public void AlphaRow(Band band, int y, ReadOnlySpan<byte> gbrp, float[] a, float[] b, Span<float> alpha)
    {
        var (top, bottom, wy) = Load(band, y, gbrp, a, b, alphaOnly: true);
        Alpha(band, top, bottom, wy, alpha);
    }

    /// <summary>pha = clamp(A·mean(src) + b) from the band's source rows.</summary>
    private void Alpha(Band band, float[] top, float[] bottom, float wy, Span<float> alpha)
    {
        var sr = band.Source(0);
        var sg = band.Source(1);
        var sb = band.Source(2);
        int w = _width, x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int n = Vector<float>.Count;
            var weight = new Vector<float>(wy);
            var third = new Vector<float>(3f);
            for (; x + n <= w; x += n)
            {
                var mean = (new Vector<float>(sr, x) + new Vector<float>(sg, x) + new Vector<float>(sb, x)) / third;
                Store(alpha, x, Clamp(Lerp(top, bottom, 3, x, weight) * mean + Lerp(top, bottom, 7, x, weight)));
            }
        }
        for (; x < w; x++)
            alpha[x] = Clamp(Lerp(top, bottom, 3, x, wy) * ((sr[x] + sg[x] + sb[x]) / 3f) + Lerp(top, bottom, 7, x, wy));
    }

    /// <summary>
    /// Row <paramref name="y"/>'s source pixels into the band's source rows (R, G, B in [0,1]), and the two resized
    /// coefficient rows it lies between with its weight between them.
    /// </summary>
    private (float[] Top, float[] Bottom, float Weight) Load(Band band, int y, ReadOnlySpan<byte> gbrp, float[] a, float[] b, bool alphaOnly)
    {
        int plane = _width * _height, offset = y * _width;
        var (y0, y1, wy) = Bilinear.Sample(y, _height, LowHeight);
        var top = band.Resized(y0, a, b, this, alphaOnly);
        var bottom = band.Resized(y1, a, b, this, alphaOnly);
        PlanarPixels.ToUnit(gbrp.Slice(2 * plane + offset, _width), band.Source(0));
        PlanarPixels.ToUnit(gbrp.Slice(offset, _width), band.Source(1));
        PlanarPixels.ToUnit(gbrp.Slice(plane + offset, _width), band.Source(2));
        return (top, bottom, wy);
    }

    /// <summary>Resizes low-resolution row <paramref name="row"/> to the frame's width: all eight channels, or alpha's two.</summary>
    private void ResizeRow(int row, float[] a, float[] b, float[] into, bool alphaOnly)
    {
        int lowPlane = LowWidth * LowHeight;
        for (int c = alphaOnly ? 3 : 0; c < Channels; c += alphaOnly ? 4 : 1)
        {
            var source = (c < 4 ? a : b).AsSpan((c & 3) * lowPlane + row * LowWidth, LowWidth);
            var target = into.AsSpan(c * _width, _width);
            for (int x = 0; x < _width; x++)
            {
                float left = source[_x0[x]];
                target[x] = left + (source[_x1[x]] - left) * _wx[x];
            }
        }
    }

    private Vector<float> Lerp(float[] top, float[] bottom, int channel, int x, Vector<float> weight)
    {
        int i = channel * _width + x;
        var t = new Vector<float>(top, i);
        return t + (new Vector<float>(bottom, i) - t) * weight;
    }

    private float Lerp(float[] top, float[] bottom, int channel, int x, float weight)
    {
        int i = channel * _width + x;
        return top[i] + (bottom[i] - top[i]) * weight;
    }

    private static void Store(Span<float> span, int x, Vector<float> value) =>
        MemoryMarshal.Cast<float, Vector<float>>(span.Slice(x, Vector<float>.Count))[0] = value;

    private static Vector<float> Clamp(Vector<float> v) => Vector.Min(Vector.Max(v, Vector<float>.Zero), Vector<float>.One);

    private static float Clamp(float v) => v < 0f ? 0f : v > 1f ? 1f : v;

    /// <summary>One worker's two resized low-resolution rows (reused while the source rows stay the same) and one source row.</summary>
    public sealed class Band
    {
        private readonly float[][] _rows;
        private readonly int[] _held = { -1, -1 };
        // Whether a held row has alpha's two channels only (AlphaRow) rather than all eight.
        private readonly bool[] _alphaOnly = new bool[2];
        private readonly float[][] _source;

        internal Band(int width)
        {
            _rows = new[] { new float[Channels * width], new float[Channels * width] };
            _source = new[] { new float[width], new float[width], new float[width] };
        }

        /// <summary>Forgets the rows of the previous frame's coefficients.</summary>
        public void Reset() => _held[0] = _held[1] = -1;

        internal float[] Source(int channel) => _source[channel];

        internal float[] Resized(int row, float[] a, float[] b, GuidedFilterTail tail, bool alphaOnly)
        {
            int slot = row & 1;
            if (_held[slot] != row || (_alphaOnly[slot] && !alphaOnly))
            {
                tail.ResizeRow(row, a, b, _rows[slot], alphaOnly);
                _held[slot] = row;
                _alphaOnly[slot] = alphaOnly;
            }
            return _rows[slot];
        }
    }
}

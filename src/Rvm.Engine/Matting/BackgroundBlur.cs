using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Rvm.Imaging;
using Rvm.Threading;

namespace Rvm.Matting;

/// <summary>
/// -Background Blur: the frame's own background, blurred, as what the subject is composed over.
/// <para>
/// A normalised blur, blur(frame·w) / blur(w) with w = 1 − α (+ a small floor), so the subject's colours do not
/// bleed into the background as a halo around them, as a plain blur of the frame makes them do.
/// </para>
/// <para>
/// A strong blur needs no full resolution, so it runs on a frame <see cref="Factor"/> times smaller: weighted
/// k×k block means (<see cref="Prepare"/>, every pixel read once), three box passes of radius ≈ radius / k there
/// (<see cref="BoxBlur"/>), and, while composing, each row resized back up, bilinear (<see cref="Row"/>; each
/// small row is widened once per band and kept for the rows that share it, as the guided filter's tail does).
/// Full-size blurs of the three colours and the weights took 46-68 CPU-ms a 1080p frame on one thread; this takes
/// 3.6-6.5 ms to blur and 2-4 ms to widen back. Buffers are made once, small ones: no full-size buffer of its own.
/// </para>
/// </summary>
internal sealed class BackgroundBlur
{
    /// <summary>Largest -BlurRadius in pixels.</summary>
    public const int MaxRadius = 500;

    /// <summary>
    /// The weight of a pixel that is all subject: where a window holds only subject, the blur is the subject's own
    /// (hidden behind it, but defined), and where it holds any background, the background outweighs it 1000 to 1.
    /// </summary>
    private const float SubjectWeight = 1e-3f;

    /// <summary>The blur's radius in small pixels is kept at this or more, so the box passes there stay smooth.</summary>
    private const int SmallRadius = 4;

    private readonly int _width, _height, _smallWidth, _smallHeight;
    private readonly BoxBlur _blur;
    private readonly BandRunner? _runner;
    private readonly int _bands;
    // Small planes: the weighted colours G, B, R (divided by the blurred weights once blurred) and the weights.
    private readonly float[][] _small;
    private readonly float[] _smallWeights;
    // Each band's five frame-wide rows: the sums of k rows of weighted G, B, R and of the weights, and one row in [0,1].
    private readonly float[][] _sums;
    private readonly Action<int> _prepareBand;
    // Where each column of the frame reads in the small rows, for Row.
    private readonly int[] _x0, _x1;
    private readonly float[] _wx;
    // The frame being prepared.
    private byte[]? _frame;
    private float[]? _alpha;

    public BackgroundBlur(int width, int height, int radius, BandRunner? runner = null)
    {
        if (radius < 1 || radius > MaxRadius) throw new ArgumentOutOfRangeException(nameof(radius), $"BlurRadius {radius} is out of range: give 1..{MaxRadius} pixels.");
        _width = width;
        _height = height;
        Radius = radius;
        Factor = Math.Max(1, radius / SmallRadius);
        _smallWidth = (width + Factor - 1) / Factor;
        _smallHeight = (height + Factor - 1) / Factor;
        _runner = runner;
        _bands = runner?.Bands ?? 1;
        _blur = new BoxBlur(_smallWidth, _smallHeight, Math.Max(1, (int)Math.Round((double)radius / Factor)), runner);
        int small = _smallWidth * _smallHeight;
        _small = new[] { new float[small], new float[small], new float[small] };
        _smallWeights = new float[small];
        _sums = new float[_bands][];
        for (int i = 0; i < _bands; i++) _sums[i] = new float[5 * width];
        _prepareBand = PrepareBand;
        (_x0, _x1, _wx) = (new int[width], new int[width], new float[width]);
        for (int x = 0; x < width; x++) (_x0[x], _x1[x], _wx[x]) = Sample(x, _smallWidth);
    }

    public int Radius { get; }
    /// <summary>How many times smaller the frame the blur runs on is: radius / 4, at least 1 (5 at 1080p's default).</summary>
    public int Factor { get; }

    /// <summary>The blur radius for a frame <paramref name="height"/> pixels high: height / 54, 20 at 1080p (σ ≈ 20 px, a video call's strong blur), 13 at 720p, 40 at 4K.</summary>
    public static int DefaultRadius(int height) => Math.Max(1, (int)Math.Round(height / 54.0));

    /// <summary>-BlurRadius as given, or <see cref="DefaultRadius"/> for the frame's height.</summary>
    public static int RadiusFor(int? requested, int height) => requested ?? DefaultRadius(height);

    /// <summary>Throws <see cref="ArgumentException"/> naming the value when -BlurRadius is out of range or given without -Background Blur.</summary>
    public static void Validate(int? radius, Background background)
    {
        if (radius == null) return;
        if (background.Kind != BackgroundKind.Blur)
            throw new ArgumentException($"-BlurRadius applies to -Background Blur; the background here is '{background}'.");
        if (radius < 1 || radius > MaxRadius) throw new ArgumentException($"BlurRadius {radius} is out of range: give 1..{MaxRadius} pixels.");
    }

    /// <summary>
    /// Blurs the background of <paramref name="frame"/> (planes G, B, R), weighted by where
    /// <paramref name="alpha"/> (the whole frame's) says it is background: afterwards <see cref="Row"/> gives its rows.
    /// </summary>
    public void Prepare(byte[] frame, float[] alpha)
    {
        (_frame, _alpha) = (frame, alpha);
        try
        {
            if (_runner != null) _runner.Run(_prepareBand);
            else PrepareBand(0);
        }
        finally { (_frame, _alpha) = (null, null); }
        _blur.Blur(_smallWeights);
        foreach (var plane in _small)
        {
            _blur.Blur(plane);
            Divide(plane, _smallWeights);
        }
    }

    /// <summary>One band's small rows: the weights and weighted colours of k frame rows summed, then k columns at a time.</summary>
    private void PrepareBand(int index)
    {
        var sums = _sums[index];
        int w = _width, plane = _width * _height, k = Factor;
        var frame = _frame!;
        var alpha = _alpha!;
        var weights = sums.AsSpan(3 * w, w);
        var unit = sums.AsSpan(4 * w, w);
        for (int sy = _smallHeight * index / _bands, end = _smallHeight * (index + 1) / _bands; sy < end; sy++)
        {
            Array.Clear(sums, 0, 4 * w);
            int y0 = sy * k, y1 = Math.Min(y0 + k, _height);
            for (int y = y0; y < y1; y++)
            {
                var rowAlpha = alpha.AsSpan(y * w, w);
                AddWeights(rowAlpha, weights);
                for (int c = 0; c < 3; c++)
                {
                    PlanarPixels.ToUnit(frame.AsSpan(c * plane + y * w, w), unit);
                    AddWeighted(unit, rowAlpha, sums.AsSpan(c * w, w));
                }
            }
            // k columns to one small pixel; the last block of a side may be narrower, so each is a mean of what it holds.
            float rows = y1 - y0;
            for (int sx = 0; sx < _smallWidth; sx++)
            {
                int x0 = sx * k, x1 = Math.Min(x0 + k, w), at = sy * _smallWidth + sx;
                float scale = 1f / (rows * (x1 - x0));
                for (int c = 0; c < 4; c++)
                {
                    float sum = 0;
                    var row = sums.AsSpan(c * w, w);
                    for (int x = x0; x < x1; x++) sum += row[x];
                    (c < 3 ? _small[c] : _smallWeights)[at] = sum * scale;
                }
            }
        }
    }

    /// <summary>Rows of the blurred background, resized back to the frame: each band keeps the small rows it widened.</summary>
    public Band CreateBand() => new Band(_width);

    /// <summary>Row <paramref name="y"/> of the blurred background (planes G, B, R), in [0,1].</summary>
    public void Row(Band band, int y, Span<float> g, Span<float> b, Span<float> r)
    {
        var (y0, y1, wy) = Sample(y, _smallHeight);
        var top = band.Widened(y0, this);
        var bottom = band.Widened(y1, this);
        Lerp(top.AsSpan(0, _width), bottom.AsSpan(0, _width), wy, g);
        Lerp(top.AsSpan(_width, _width), bottom.AsSpan(_width, _width), wy, b);
        Lerp(top.AsSpan(2 * _width, _width), bottom.AsSpan(2 * _width, _width), wy, r);
    }

    /// <summary>Where frame index <paramref name="i"/> reads along a side of <paramref name="small"/> blocks of <see cref="Factor"/>: block centres at k·j + (k − 1)/2, edges repeated.</summary>
    private (int Lower, int Upper, float Weight) Sample(int i, int small)
    {
        float f = (i + 0.5f) / Factor - 0.5f;
        if (f <= 0f) return (0, 0, 0f);
        int lower = (int)f;
        if (lower >= small - 1) return (small - 1, small - 1, 0f);
        return (lower, lower + 1, f - lower);
    }

    /// <summary>Small row <paramref name="row"/> of the three colours widened to the frame's width.</summary>
    private void Widen(int row, float[] into)
    {
        for (int c = 0; c < 3; c++)
        {
            var source = _small[c].AsSpan(row * _smallWidth, _smallWidth);
            var target = into.AsSpan(c * _width, _width);
            for (int x = 0; x < _width; x++)
            {
                float left = source[_x0[x]];
                target[x] = left + (source[_x1[x]] - left) * _wx[x];
            }
        }
    }

    /// <summary>sum += 1 − α + <see cref="SubjectWeight"/>: the weights.</summary>
    private static void AddWeights(ReadOnlySpan<float> alpha, Span<float> sum)
    {
        var a = MemoryMarshal.Cast<float, Vector<float>>(alpha);
        var s = MemoryMarshal.Cast<float, Vector<float>>(sum);
        var one = new Vector<float>(1f + SubjectWeight);
        for (int i = 0; i < s.Length; i++) s[i] += one - a[i];
        for (int i = s.Length * Vector<float>.Count; i < sum.Length; i++) sum[i] += 1f + SubjectWeight - alpha[i];
    }

    /// <summary>sum += values · (1 − α + <see cref="SubjectWeight"/>): the weighted colours.</summary>
    private static void AddWeighted(ReadOnlySpan<float> values, ReadOnlySpan<float> alpha, Span<float> sum)
    {
        var v = MemoryMarshal.Cast<float, Vector<float>>(values);
        var a = MemoryMarshal.Cast<float, Vector<float>>(alpha);
        var s = MemoryMarshal.Cast<float, Vector<float>>(sum);
        var one = new Vector<float>(1f + SubjectWeight);
        for (int i = 0; i < s.Length; i++) s[i] += v[i] * (one - a[i]);
        for (int i = s.Length * Vector<float>.Count; i < sum.Length; i++) sum[i] += values[i] * (1f + SubjectWeight - alpha[i]);
    }

    /// <summary>plane /= weights, in place.</summary>
    private static void Divide(float[] plane, float[] weights)
    {
        var p = MemoryMarshal.Cast<float, Vector<float>>(plane.AsSpan());
        var w = MemoryMarshal.Cast<float, Vector<float>>(weights.AsSpan());
        for (int v = 0; v < p.Length; v++) p[v] /= w[v];
        for (int i = p.Length * Vector<float>.Count; i < plane.Length; i++) plane[i] /= weights[i];
    }

    /// <summary>into = top + (bottom − top)·weight.</summary>
    private static void Lerp(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, float weight, Span<float> into)
    {
        var t = MemoryMarshal.Cast<float, Vector<float>>(top);
        var b = MemoryMarshal.Cast<float, Vector<float>>(bottom);
        var o = MemoryMarshal.Cast<float, Vector<float>>(into);
        var wv = new Vector<float>(weight);
        for (int i = 0; i < o.Length; i++) o[i] = t[i] + (b[i] - t[i]) * wv;
        for (int i = o.Length * Vector<float>.Count; i < into.Length; i++) into[i] = top[i] + (bottom[i] - top[i]) * weight;
    }

    /// <summary>One worker's two widened small rows, kept while the rows it composes read them.</summary>
    public sealed class Band
    {
        private readonly float[][] _rows;
        private readonly int[] _held = { -1, -1 };

        internal Band(int width) => _rows = new[] { new float[3 * width], new float[3 * width] };

        /// <summary>Forgets the previous frame's rows.</summary>
        public void Reset() => _held[0] = _held[1] = -1;

        internal float[] Widened(int row, BackgroundBlur blur)
        {
            int slot = row & 1;
            if (_held[slot] != row)
            {
                blur.Widen(row, _rows[slot]);
                _held[slot] = row;
            }
            return _rows[slot];
        }
    }
}

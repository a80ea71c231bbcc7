using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Rvm.Imaging;
using Rvm.Threading;

namespace Rvm.Matting;

/// <summary>
/// Applies <see cref="MatteControls"/> to a whole frame's alpha, in place in <see cref="Alpha"/>. Grow, shrink and
/// feather need rows above and below, so they run on the full plane after the alpha is made and before the outputs
/// are composed. Feather is <see cref="BoxBlur"/>, the background blur's. Grow and shrink are a maximum or minimum
/// over a square, separable, a pass down the columns then one along the rows, both on whole vectors of pixels
/// (System.Numerics) with no transposed copy, by a sparse table: the extreme of 2, 4, 8... pixels, then of two
/// overlapping powers of two, so O(log radius) vector operations a pixel. Edges repeat the outermost pixel. Buffers
/// are made once; temporal smoothing keeps the previous frame's alpha. One 1080p frame on one thread: grow 2 1.3 ms,
/// against 11.7 ms for scalar running extremes (van Herk / Gil-Werman) written transposed.
/// </summary>
internal sealed class MatteAdjuster
{

    private readonly int _width, _height;
    private readonly MatteControls _controls;
    private readonly BandRunner? _runner;
    // Down the columns, the sparse table of the rows extended by the grow's radius at both ends.
    private readonly float[] _table;
    private readonly BoxBlur? _feather;
    private readonly float[]? _previous;
    private readonly RowTable[] _rows;
    private readonly Action<int> _columnBand, _rowBand;
    private bool _hasPrevious;

    /// <param name="runner">Runs the passes in parallel; null: on the calling thread.</param>
    public MatteAdjuster(int width, int height, MatteControls controls, BandRunner? runner = null)
    {
        _width = width;
        _height = height;
        _controls = controls;
        _runner = runner;
        Alpha = new float[width * height];
        int radius = Math.Abs(controls.Grow);
        _table = radius > 0 ? new float[width * (height + 2 * radius)] : Array.Empty<float>();
        _feather = controls.Feather > 0 ? new BoxBlur(width, height, controls.Feather, runner) : null;
        _previous = controls.TemporalSmoothing > 0f ? new float[width * height] : null;
        _rows = new RowTable[runner?.Bands ?? 1];
        for (int i = 0; i < _rows.Length; i++) _rows[i] = new RowTable(radius > 0 ? width + 2 * radius : 0);
        _columnBand = ColumnBand;
        _rowBand = RowBand;
    }

    public int Width => _width;
    public int Height => _height;

    /// <summary>The frame's alpha: the caller writes the network's here, <see cref="Adjust"/> replaces it.</summary>
    public float[] Alpha { get; }

    /// <summary>Forgets the previous frame (a new sequence starts).</summary>
    public void Reset() => _hasPrevious = false;

    public void Adjust()
    {
        if (_previous != null)
        {
            if (_hasPrevious) Smooth(Alpha, _previous, _controls.TemporalSmoothing);
            Array.Copy(Alpha, _previous, Alpha.Length);
            _hasPrevious = true;
        }
        if (_controls.HasThreshold) Threshold(Alpha, _controls.ThresholdLow, _controls.ThresholdHigh);
        if (_controls.Grow != 0)
        {
            Run(_columnBand);
            Run(_rowBand);
        }
        _feather?.Blur(Alpha);
    }

    /// <summary>α += w·(prev − α), w = s·max(0, 1 − 4|α − prev|): see <see cref="MatteControls.TemporalSmoothing"/>.</summary>
    internal static void Smooth(Span<float> alpha, ReadOnlySpan<float> previous, float strength)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(alpha);
            var vp = MemoryMarshal.Cast<float, Vector<float>>(previous);
            var s = new Vector<float>(strength);
            var four = new Vector<float>(4f);
            for (int v = 0; v < va.Length; v++)
            {
                var d = vp[v] - va[v];
                var w = s * Vector.Max(Vector<float>.Zero, Vector<float>.One - four * Vector.Abs(d));
                va[v] += w * d;
            }
            i = va.Length * Vector<float>.Count;
        }
        for (; i < alpha.Length; i++)
        {
            float d = previous[i] - alpha[i];
            alpha[i] += strength * Math.Max(0f, 1f - 4f * Math.Abs(d)) * d;
        }
    }

    /// <summary>α = clamp((α − lo) / (hi − lo), 0, 1).</summary>
    internal static void Threshold(Span<float> alpha, float low, float high)
    {
        float scale = 1f / (high - low);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(alpha);
            var lo = new Vector<float>(low);
            var sc = new Vector<float>(scale);
            for (int v = 0; v < va.Length; v++)
                va[v] = Vector.Min(Vector.Max((va[v] - lo) * sc, Vector<float>.Zero), Vector<float>.One);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < alpha.Length; i++)
        {
            float a = (alpha[i] - low) * scale;
            alpha[i] = a < 0f ? 0f : a > 1f ? 1f : a;
        }
    }

    private void Run(Action<int> band)
    {
        if (_runner != null) _runner.Run(band);
        else band(0);
    }

    /// <summary>This band's columns, [start, end): whole vectors except at the right edge.</summary>
    private void Columns(int index, out int start, out int end)
    {
        int bands = _rows.Length, lanes = Vector<float>.Count;
        start = index == 0 ? 0 : (int)((long)_width * index / bands) / lanes * lanes;
        end = index == bands - 1 ? _width : (int)((long)_width * (index + 1) / bands) / lanes * lanes;
    }

    private void ColumnBand(int index)
    {
        Columns(index, out int x, out int end);
        if (end <= x) return;
        if (_controls.Grow > 0) ColumnExtreme(default(Maximum), x, end - x);
        else ColumnExtreme(default(Minimum), x, end - x);
    }

    private int Row(int y) => (y < 0 ? 0 : y >= _height ? _height - 1 : y) * _width;

    /// <summary>
    /// The maximum or minimum of each pixel's column window of 2r+1, for columns [x, x+count), back into Alpha. The
    /// scratch plane holds the rows extended by r at both ends; level k of the table is the extreme of 2^k rows.
    /// </summary>
    private void ColumnExtreme<T>(T op, int x, int count) where T : struct, IExtreme
    {
        int r = Math.Abs(_controls.Grow), w = _width, window = 2 * r + 1, rows = _height + 2 * r;
        var a = Alpha;
        var table = _table;
        // Level 1 straight from Alpha, the extended row e being Alpha's row e − r.
        for (int e = 0; e + 1 < rows; e++)
            Spans.Extreme(op, table.AsSpan(e * w + x, count), a.AsSpan(Row(e - r) + x, count), a.AsSpan(Row(e + 1 - r) + x, count));
        int span = 2;
        for (; span * 2 <= window; span *= 2)
            for (int e = 0; e + 2 * span <= rows; e++)
                Spans.Extreme(op, table.AsSpan(e * w + x, count), table.AsSpan(e * w + x, count), table.AsSpan((e + span) * w + x, count));
        for (int y = 0; y < _height; y++)
            Spans.Extreme(op, a.AsSpan(y * w + x, count), table.AsSpan(y * w + x, count), table.AsSpan((y + window - span) * w + x, count));
    }

    private void RowBand(int index)
    {
        var table = _rows[index];
        int bands = _rows.Length, radius = Math.Abs(_controls.Grow);
        for (int y = _height * index / bands, end = _height * (index + 1) / bands; y < end; y++)
        {
            var row = Alpha.AsSpan(y * _width, _width);
            table.Load(row, radius);
            if (_controls.Grow > 0) table.Extreme(default(Maximum), radius, row);
            else table.Extreme(default(Minimum), radius, row);
        }
    }

    private interface IExtreme
    {
        float Of(float a, float b);
        Vector<float> Of(Vector<float> a, Vector<float> b);
    }

    private struct Maximum : IExtreme
    {
        public float Of(float a, float b) => a > b ? a : b;
        public Vector<float> Of(Vector<float> a, Vector<float> b) => Vector.Max(a, b);
    }

    private struct Minimum : IExtreme
    {
        public float Of(float a, float b) => a < b ? a : b;
        public Vector<float> Of(Vector<float> a, Vector<float> b) => Vector.Min(a, b);
    }

    /// <summary>Elementwise extremes of spans of floats, on whole vectors then one by one.</summary>
    private static class Spans
    {
        /// <summary>to = op(a, b); <paramref name="to"/> may be <paramref name="a"/>, or overlap <paramref name="b"/> from below.</summary>
        public static void Extreme<T>(T op, Span<float> to, ReadOnlySpan<float> a, ReadOnlySpan<float> b) where T : struct, IExtreme
        {
            var vt = MemoryMarshal.Cast<float, Vector<float>>(to);
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int v = 0; v < vt.Length; v++) vt[v] = op.Of(va[v], vb[v]);
            for (int i = vt.Length * Vector<float>.Count; i < to.Length; i++) to[i] = op.Of(a[i], b[i]);
        }
    }

    /// <summary>
    /// One worker's row buffer: the row extended by the radius at both ends, made into a sparse table in place (after
    /// step k each position holds the extreme of the 2^k pixels from it on).
    /// </summary>
    private sealed class RowTable
    {
        private readonly float[] _line;
        private int _length;

        public RowTable(int length) => _line = new float[length];

        /// <summary>The row, extended by <paramref name="radius"/> copies of its end pixels.</summary>
        public void Load(ReadOnlySpan<float> row, int radius)
        {
            _length = row.Length + 2 * radius;
            _line.AsSpan(0, radius).Fill(row[0]);
            row.CopyTo(_line.AsSpan(radius));
            _line.AsSpan(radius + row.Length, radius).Fill(row[row.Length - 1]);
        }

        /// <summary>The maximum or minimum of each pixel's window of 2r+1: two overlapping powers of two from the table.</summary>
        public void Extreme<T>(T op, int radius, Span<float> output) where T : struct, IExtreme
        {
            int window = 2 * radius + 1, span = 1;
            var line = _line;
            for (; span * 2 <= window; span *= 2)
            {
                int count = _length - 2 * span + 1;
                Spans.Extreme(op, line.AsSpan(0, count), line.AsSpan(0, count), line.AsSpan(span, count));
            }
            Spans.Extreme(op, output, line.AsSpan(0, output.Length), line.AsSpan(window - span, output.Length));
        }
    }
}

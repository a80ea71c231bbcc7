using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Rvm.Threading;

namespace Rvm.Matting;

/// <summary>
/// Applies <see cref="MatteControls"/> to a whole frame's alpha, in place in <see cref="Alpha"/>. Grow, shrink and
/// feather need rows above and below, so they run on the full plane after the alpha is made and before the outputs
/// are composed. Each is separable, a pass down the columns then one along the rows, both on whole vectors of pixels
/// (System.Numerics) and with no transposed copy:
/// <list type="bullet">
/// <item>down the columns, a box is a running sum of rows (O(1) a pixel), and a maximum or minimum a sparse table of
/// rows (the extreme of 2, 4, 8... rows, then of two overlapping powers of two: O(log radius) a pixel);</item>
/// <item>along a row, where a running value would be serial, a box sums power-of-two partial sums picked by the bits of
/// the window's width, and a maximum or minimum uses the same sparse table: O(log radius) a pixel, vectorised.</item>
/// </list>
/// Edges repeat the outermost pixel. Buffers are made once; temporal smoothing keeps the previous frame's alpha.
/// One 1080p frame on one thread, grow 2 then feather 3: 5.5 ms, against 41.9 ms for running extremes and sums in
/// scalar code written transposed.
/// </summary>
internal sealed class MatteAdjuster
{
    private enum Filter { Max, Min, Box }

    private readonly int _width, _height;
    private readonly MatteControls _controls;
    private readonly BandRunner? _runner;
    // Down the columns: a box writes here; a maximum or minimum builds its sparse table here, over the rows extended
    // by the radius at both ends.
    private readonly float[] _scratch;
    // The running column sums of a box, one per column (bands own disjoint columns).
    private readonly float[] _columnSums;
    private readonly float[]? _previous;
    private readonly RowLevels[] _rows;
    private readonly Action<int> _columnBand, _rowBand;
    private bool _hasPrevious;
    // The pass being run.
    private Filter _filter;
    private int _radius;

    /// <param name="runner">Runs the passes in parallel; null: on the calling thread.</param>
    public MatteAdjuster(int width, int height, MatteControls controls, BandRunner? runner = null)
    {
        _width = width;
        _height = height;
        _controls = controls;
        _runner = runner;
        Alpha = new float[width * height];
        bool spatial = controls.Grow != 0 || controls.Feather != 0;
        _scratch = spatial ? new float[width * (height + 2 * Math.Abs(controls.Grow))] : Array.Empty<float>();
        _columnSums = controls.Feather != 0 ? new float[width] : Array.Empty<float>();
        _previous = controls.TemporalSmoothing > 0f ? new float[width * height] : null;
        int radius = Math.Max(Math.Abs(controls.Grow), controls.Feather);
        _rows = new RowLevels[runner?.Bands ?? 1];
        for (int i = 0; i < _rows.Length; i++) _rows[i] = new RowLevels(width, radius);
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
        if (_controls.Grow != 0) Separable(_controls.Grow > 0 ? Filter.Max : Filter.Min, Math.Abs(_controls.Grow));
        for (int i = 0; i < 3 && _controls.Feather > 0; i++) Separable(Filter.Box, _controls.Feather);
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

    /// <summary>Filters the columns, then the rows, of <see cref="Alpha"/>.</summary>
    private void Separable(Filter filter, int radius)
    {
        (_filter, _radius) = (filter, radius);
        Run(_columnBand);
        Run(_rowBand);
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
        if (_filter == Filter.Box) ColumnBox(x, end - x);
        else if (_filter == Filter.Max) ColumnExtreme(default(Maximum), x, end - x);
        else ColumnExtreme(default(Minimum), x, end - x);
    }

    private int Row(int y) => (y < 0 ? 0 : y >= _height ? _height - 1 : y) * _width;

    /// <summary>Alpha's columns [x, x+count) box-filtered into the scratch plane by a running sum of rows.</summary>
    private void ColumnBox(int x, int count)
    {
        int r = _radius, w = _width;
        var a = Alpha;
        var sums = _columnSums.AsSpan(x, count);
        sums.Clear();
        for (int d = -r; d <= r; d++) Spans.Add(sums, a.AsSpan(Row(d) + x, count));
        float scale = 1f / (2 * r + 1);
        for (int y = 0; y < _height; y++)
        {
            Spans.Scale(_scratch.AsSpan(y * w + x, count), sums, scale);
            // A float sum is enough here: it only adds and takes away alphas in [0,1] over one column, about 1e-6 off at 4K.
            Spans.AddSubtract(sums, a.AsSpan(Row(y + r + 1) + x, count), a.AsSpan(Row(y - r) + x, count));
        }
    }

    /// <summary>
    /// The maximum or minimum of each pixel's column window of 2r+1, for columns [x, x+count), back into Alpha. The
    /// scratch plane holds the rows extended by r at both ends; level k of the table is the extreme of 2^k rows.
    /// </summary>
    private void ColumnExtreme<T>(T op, int x, int count) where T : struct, IExtreme
    {
        int r = _radius, w = _width, window = 2 * r + 1, rows = _height + 2 * r;
        var a = Alpha;
        var table = _scratch;
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
        var levels = _rows[index];
        int bands = _rows.Length;
        var source = _filter == Filter.Box ? _scratch : Alpha;
        for (int y = _height * index / bands, end = _height * (index + 1) / bands; y < end; y++)
        {
            var row = Alpha.AsSpan(y * _width, _width);
            levels.Load(source.AsSpan(y * _width, _width), _radius);
            if (_filter == Filter.Box) levels.Box(_radius, row);
            else if (_filter == Filter.Max) levels.Extreme(default(Maximum), _radius, row);
            else levels.Extreme(default(Minimum), _radius, row);
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

    /// <summary>Elementwise arithmetic on spans of floats, on whole vectors then one by one.</summary>
    private static class Spans
    {
        public static void Add(Span<float> sum, ReadOnlySpan<float> x)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(sum);
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int v = 0; v < vs.Length; v++) vs[v] += vx[v];
            for (int i = vs.Length * Vector<float>.Count; i < sum.Length; i++) sum[i] += x[i];
        }

        public static void AddSubtract(Span<float> sum, ReadOnlySpan<float> plus, ReadOnlySpan<float> minus)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(sum);
            var vp = MemoryMarshal.Cast<float, Vector<float>>(plus);
            var vm = MemoryMarshal.Cast<float, Vector<float>>(minus);
            for (int v = 0; v < vs.Length; v++) vs[v] += vp[v] - vm[v];
            for (int i = vs.Length * Vector<float>.Count; i < sum.Length; i++) sum[i] += plus[i] - minus[i];
        }

        public static void Scale(Span<float> to, ReadOnlySpan<float> from, float scale)
        {
            var vt = MemoryMarshal.Cast<float, Vector<float>>(to);
            var vf = MemoryMarshal.Cast<float, Vector<float>>(from);
            var k = new Vector<float>(scale);
            for (int v = 0; v < vt.Length; v++) vt[v] = vf[v] * k;
            for (int i = vt.Length * Vector<float>.Count; i < to.Length; i++) to[i] = from[i] * scale;
        }

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
    /// One worker's row buffers: the row extended by the radius at both ends, and its power-of-two partial sums or
    /// extremes (level k covers 2^k pixels), so that a window of 2r+1 is a few vector operations a pixel.
    /// </summary>
    private sealed class RowLevels
    {
        private readonly float[][] _levels;
        private int _length;

        public RowLevels(int width, int radius)
        {
            int n = width + 2 * radius, count = 1;
            while ((1 << count) <= 2 * radius + 1) count++;
            _levels = new float[count][];
            for (int k = 0; k < count; k++) _levels[k] = new float[n];
        }

        /// <summary>Level 0: the row, extended by <paramref name="radius"/> copies of its end pixels.</summary>
        public void Load(ReadOnlySpan<float> row, int radius)
        {
            var e = _levels[0];
            _length = row.Length + 2 * radius;
            e.AsSpan(0, radius).Fill(row[0]);
            row.CopyTo(e.AsSpan(radius));
            e.AsSpan(radius + row.Length, radius).Fill(row[row.Length - 1]);
        }

        /// <summary>The mean of each pixel's window: the levels whose bits make up the window's width, summed end to end.</summary>
        public void Box(int radius, Span<float> output)
        {
            int window = 2 * radius + 1, width = output.Length, top = 0;
            while ((2 << top) <= window) top++;
            // Level k, from level k−1: the sum of the 2^k pixels from each position on.
            for (int k = 1; k <= top; k++) AddShifted(_levels[k], _levels[k - 1], 1 << (k - 1), _length - (1 << k) + 1);
            bool first = true;
            int offset = 0;
            for (int k = top; k >= 0; k--)
            {
                if ((window & (1 << k)) == 0) continue;
                var piece = _levels[k].AsSpan(offset, width);
                if (first) piece.CopyTo(output);
                else Spans.Add(output, piece);
                first = false;
                offset += 1 << k;
            }
            Spans.Scale(output, output, 1f / window);
        }

        /// <summary>The maximum or minimum of each pixel's window: two overlapping powers of two from the table.</summary>
        public void Extreme<T>(T op, int radius, Span<float> output) where T : struct, IExtreme
        {
            int window = 2 * radius + 1, span = 1;
            var level = _levels[0];
            for (; span * 2 <= window; span *= 2)
                Spans.Extreme(op, level.AsSpan(0, _length - 2 * span + 1), level.AsSpan(0, _length - 2 * span + 1), level.AsSpan(span, _length - 2 * span + 1));
            Spans.Extreme(op, output, level.AsSpan(0, output.Length), level.AsSpan(window - span, output.Length));
        }

        private static void AddShifted(float[] to, float[] from, int shift, int count)
        {
            var vt = MemoryMarshal.Cast<float, Vector<float>>(to.AsSpan(0, count));
            var va = MemoryMarshal.Cast<float, Vector<float>>(from.AsSpan(0, count));
            var vb = MemoryMarshal.Cast<float, Vector<float>>(from.AsSpan(shift, count));
            for (int v = 0; v < vt.Length; v++) vt[v] = va[v] + vb[v];
            for (int i = vt.Length * Vector<float>.Count; i < count; i++) to[i] = from[i] + from[i + shift];
        }
    }
}

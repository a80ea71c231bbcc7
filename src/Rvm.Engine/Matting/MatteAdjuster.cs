using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Rvm.Threading;

namespace Rvm.Matting;

/// <summary>
/// Applies <see cref="MatteControls"/> to a whole frame's alpha, in place in <see cref="Alpha"/>. Grow, shrink and
/// feather need rows above and below, so they run on the full plane after the alpha is made and before the outputs
/// are composed. Each is separable: a pass filters every row and writes it transposed, and a second pass does the
/// same to the transposed plane, which filters the columns and turns it back. Grow and shrink are van Herk /
/// Gil-Werman running maxima and minima, feather three running-sum box blurs: O(1) per pixel whatever the radius.
/// Edges repeat the outermost pixel. Buffers are made once; temporal smoothing keeps the previous frame's alpha.
/// </summary>
internal sealed class MatteAdjuster
{
    private enum Filter { Max, Min, Box }

    private readonly int _width, _height;
    private readonly MatteControls _controls;
    private readonly BandRunner? _runner;
    private readonly float[] _transposed;
    private readonly float[]? _previous;
    private readonly Line[] _lines;
    private readonly Action<int> _passBand;
    private bool _hasPrevious;
    // The pass being run.
    private Filter _filter;
    private int _radius, _rows, _columns;
    private float[] _from = Array.Empty<float>(), _to = Array.Empty<float>();

    /// <param name="runner">Runs the row passes in parallel; null: on the calling thread.</param>
    public MatteAdjuster(int width, int height, MatteControls controls, BandRunner? runner = null)
    {
        _width = width;
        _height = height;
        _controls = controls;
        _runner = runner;
        Alpha = new float[width * height];
        _transposed = controls.Grow != 0 || controls.Feather != 0 ? new float[width * height] : Array.Empty<float>();
        _previous = controls.TemporalSmoothing > 0f ? new float[width * height] : null;
        int radius = Math.Max(Math.Abs(controls.Grow), controls.Feather);
        _lines = new Line[runner?.Bands ?? 1];
        for (int i = 0; i < _lines.Length; i++) _lines[i] = new Line(Math.Max(width, height), radius);
        _passBand = PassBand;
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

    /// <summary>Filters the rows into the transposed plane, then its rows (the columns) back.</summary>
    private void Separable(Filter filter, int radius)
    {
        Pass(filter, radius, Alpha, _transposed, _height, _width);
        Pass(filter, radius, _transposed, Alpha, _width, _height);
    }

    private void Pass(Filter filter, int radius, float[] from, float[] to, int rows, int columns)
    {
        (_filter, _radius, _from, _to, _rows, _columns) = (filter, radius, from, to, rows, columns);
        if (_runner != null) _runner.Run(_passBand);
        else PassBand(0);
    }

    private void PassBand(int index)
    {
        var line = _lines[index];
        int bands = _lines.Length, rows = _rows, columns = _columns;
        var block = line.Block;
        for (int y = rows * index / bands, end = rows * (index + 1) / bands; y < end; y += Line.Tile)
        {
            int count = Math.Min(Line.Tile, end - y);
            for (int j = 0; j < count; j++)
                line.Apply(_filter, _radius, _from.AsSpan((y + j) * columns, columns), block.AsSpan(j * columns, columns));
            // Written transposed, a tile of rows at a time, so that each target row gets a run of contiguous values
            // rather than one value per cache line.
            for (int x = 0; x < columns; x++)
            {
                int target = x * rows + y;
                for (int j = 0; j < count; j++) _to[target + j] = block[j * columns + x];
            }
        }
    }

    private interface IExtreme { float Of(float a, float b); }
    private struct Maximum : IExtreme { public float Of(float a, float b) => a > b ? a : b; }
    private struct Minimum : IExtreme { public float Of(float a, float b) => a < b ? a : b; }

    /// <summary>One worker's line buffers: the line extended by the radius at both ends, the running values, and a tile of filtered rows.</summary>
    private sealed class Line
    {
        /// <summary>Rows filtered before they are written transposed: 16 floats are one 64-byte cache line.</summary>
        public const int Tile = 16;

        private readonly float[] _extended, _forward, _backward;

        public Line(int length, int radius)
        {
            int n = length + 2 * radius;
            _extended = new float[n];
            _forward = new float[n];
            _backward = new float[n];
            Block = new float[Tile * length];
        }

        public float[] Block { get; }

        /// <summary>The maximum, minimum or mean of each pixel's window of 2·radius+1, edges repeated.</summary>
        public void Apply(Filter filter, int radius, ReadOnlySpan<float> source, Span<float> output)
        {
            int length = source.Length;
            var e = _extended;
            for (int i = 0; i < radius; i++)
            {
                e[i] = source[0];
                e[radius + length + i] = source[length - 1];
            }
            source.CopyTo(e.AsSpan(radius, length));
            if (filter == MatteAdjuster.Filter.Box) Mean(radius, length, output);
            else if (filter == MatteAdjuster.Filter.Max) Extreme(default(Maximum), radius, length, output);
            else Extreme(default(Minimum), radius, length, output);
        }

        private void Mean(int radius, int length, Span<float> output)
        {
            var e = _extended;
            int window = 2 * radius + 1;
            // Running sum in double: a float sum drifts over a 4K line.
            double sum = 0;
            for (int i = 0; i < window; i++) sum += e[i];
            float scale = 1f / window;
            output[0] = (float)sum * scale;
            for (int x = 1; x < length; x++)
            {
                sum += e[x + window - 1] - e[x - 1];
                output[x] = (float)sum * scale;
            }
        }

        /// <summary>
        /// van Herk / Gil-Werman: in blocks of the window's length, running extremes forward and backward; a window
        /// spans the end of one block and the start of the next, so it is the extreme of those two.
        /// </summary>
        private void Extreme<T>(T op, int radius, int length, Span<float> output) where T : struct, IExtreme
        {
            var e = _extended;
            var f = _forward;
            var b = _backward;
            int window = 2 * radius + 1, n = length + 2 * radius;
            for (int start = 0; start < n; start += window)
            {
                int stop = Math.Min(start + window, n);
                f[start] = e[start];
                for (int i = start + 1; i < stop; i++) f[i] = op.Of(f[i - 1], e[i]);
                b[stop - 1] = e[stop - 1];
                for (int i = stop - 2; i >= start; i--) b[i] = op.Of(b[i + 1], e[i]);
            }
            for (int x = 0; x < length; x++) output[x] = op.Of(b[x], f[x + window - 1]);
        }
    }
}

using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Rvm.Threading;

namespace Rvm.Imaging;

/// <summary>
/// Three box blurs of one radius over a float plane, rows then columns: close to a Gaussian of σ ≈ radius + 0.5,
/// reaching 3·radius pixels each way, at a cost per pixel that does not grow with the radius (running sums). Edges
/// repeat the outermost pixel. Vectorised across lines rather than along them: a tile of
/// <see cref="Vector{T}.Count"/> rows is turned on its side into a scratch line whose every element is one vector
/// (a pixel of each row), and a strip of as many columns is loaded a vector per row, so every running sum adds
/// whole vectors; the three passes of a line stay in that scratch line (in cache) between loading and storing.
/// Buffers are made once; a plane allocates nothing.
/// </summary>
internal sealed class BoxBlur
{
    private static readonly int Lanes = Vector<float>.Count;
    private const float Inverse255 = 1f / 255f;

    private readonly int _width, _height, _radius;
    private readonly BandRunner? _runner;
    private readonly Line[] _lines;
    private readonly Action<int> _rowsBand, _columnsBand;
    // The plane being blurred: bytes (times weights, if any) or floats in, floats out.
    private byte[]? _bytes;
    private int _offset;
    private float[]? _weights;
    private float[] _plane = Array.Empty<float>();

    /// <param name="runner">Runs the tiles and strips in parallel; null: on the calling thread.</param>
    public BoxBlur(int width, int height, int radius, BandRunner? runner = null)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"A plane of {width}x{height} has no pixels.");
        if (radius < 1) throw new ArgumentOutOfRangeException(nameof(radius), $"A box blur's radius is 1 or more; {radius} was given.");
        _width = width;
        _height = height;
        _radius = radius;
        _runner = runner;
        _lines = new Line[runner?.Bands ?? 1];
        for (int i = 0; i < _lines.Length; i++) _lines[i] = new Line(Math.Max(width, height) + 2 * radius);
        _rowsBand = RowsBand;
        _columnsBand = ColumnsBand;
    }

    public int Radius => _radius;

    /// <summary>
    /// Blurs a plane of bytes (<paramref name="source"/> from <paramref name="offset"/>, row-major) into
    /// <paramref name="plane"/> as values in [0,1]; with <paramref name="weights"/>, each pixel is multiplied by its
    /// weight first (a normalised blur divides by the blurred weights afterwards).
    /// </summary>
    public void Blur(byte[] source, int offset, float[]? weights, float[] plane)
    {
        (_bytes, _offset, _weights) = (source, offset, weights);
        Run(plane);
    }

    /// <summary>Blurs a float plane in place.</summary>
    public void Blur(float[] plane)
    {
        (_bytes, _weights) = (null, null);
        Run(plane);
    }

    private void Run(float[] plane)
    {
        if (plane.Length < _width * _height) throw new ArgumentException($"The plane holds {plane.Length} values, fewer than {_width}x{_height}.", nameof(plane));
        _plane = plane;
        try
        {
            if (_runner != null)
            {
                _runner.Run(_rowsBand);
                _runner.Run(_columnsBand);
            }
            else
            {
                RowsBand(0);
                ColumnsBand(0);
            }
        }
        finally
        {
            _bytes = null;
            _weights = null;
            _plane = Array.Empty<float>();
        }
    }

    /// <summary>One band's tiles of rows: each tile loaded on its side (lane j holds row y + j), blurred along x, stored back.</summary>
    private unsafe void RowsBand(int index)
    {
        var line = _lines[index];
        int w = _width, h = _height, r = _radius, lanes = Lanes;
        int tiles = (h + lanes - 1) / lanes, bands = _lines.Length;
        var rows = stackalloc int[lanes];
        fixed (float* e = line.A, b = line.B, plane = _plane, weights = _weights)
        fixed (byte* bytes = _bytes)
        {
            for (int t = tiles * index / bands, end = tiles * (index + 1) / bands; t < end; t++)
            {
                int y0 = t * lanes, count = Math.Min(lanes, h - y0);
                // A tile past the last row repeats it in the spare lanes, which are not stored.
                for (int j = 0; j < lanes; j++) rows[j] = (y0 + Math.Min(j, count - 1)) * w;
                // Pixel x of the tile's rows goes to one vector, e[(r + x) * lanes ..]: written whole, read from one place in each row.
                float* to = e + r * lanes;
                if (bytes == null)
                    for (int x = 0; x < w; x++, to += lanes)
                        for (int j = 0; j < lanes; j++) to[j] = plane[rows[j] + x];
                else if (weights == null)
                    for (int x = 0; x < w; x++, to += lanes)
                        for (int j = 0; j < lanes; j++) to[j] = bytes[_offset + rows[j] + x] * Inverse255;
                else
                    for (int x = 0; x < w; x++, to += lanes)
                        for (int j = 0; j < lanes; j++)
                        {
                            int p = rows[j] + x;
                            to[j] = bytes[_offset + p] * Inverse255 * weights[p];
                        }
                float* from = (line.Smooth(w, r) == line.A ? e : b) + r * lanes;
                for (int x = 0; x < w; x++, from += lanes)
                    for (int j = 0; j < count; j++) plane[rows[j] + x] = from[j];
            }
        }
    }

    /// <summary>One band's strips of columns: a vector of the strip's columns per row, blurred along y, stored back in place.</summary>
    private void ColumnsBand(int index)
    {
        var line = _lines[index];
        int w = _width, h = _height, r = _radius, lanes = Lanes;
        int strips = (w + lanes - 1) / lanes, bands = _lines.Length;
        var e = line.A;
        var plane = _plane;
        for (int s = strips * index / bands, end = strips * (index + 1) / bands; s < end; s++)
        {
            int x0 = s * lanes, columns = Math.Min(lanes, w - x0);
            if (columns == lanes)
                for (int y = 0; y < h; y++) new Vector<float>(plane, y * w + x0).CopyTo(e, (r + y) * lanes);
            else
                for (int y = 0; y < h; y++)
                    for (int j = 0; j < lanes; j++) e[(r + y) * lanes + j] = plane[y * w + x0 + Math.Min(j, columns - 1)];
            var result = line.Smooth(h, r);
            if (columns == lanes)
                for (int y = 0; y < h; y++) new Vector<float>(result, (r + y) * lanes).CopyTo(plane, y * w + x0);
            else
                for (int y = 0; y < h; y++)
                    for (int j = 0; j < columns; j++) plane[y * w + x0 + j] = result[(r + y) * lanes + j];
        }
    }

    /// <summary>One worker's two scratch lines of vectors, each a line extended by the radius at both ends.</summary>
    private sealed class Line
    {
        public Line(int extended)
        {
            A = new float[extended * Lanes];
            B = new float[extended * Lanes];
        }

        public float[] A { get; }
        public float[] B { get; }

        /// <summary>Three box passes over the line of <paramref name="length"/> vectors loaded into <see cref="A"/> from <paramref name="radius"/> on; returns the buffer holding the result, at the same place.</summary>
        public float[] Smooth(int length, int radius)
        {
            var from = A;
            var to = B;
            for (int pass = 0; pass < 3; pass++)
            {
                Extend(from, length, radius);
                Mean(from, to, length, radius);
                (from, to) = (to, from);
            }
            return from;
        }

        /// <summary>Repeats the first and last vectors over the radius at each end.</summary>
        private static void Extend(float[] line, int length, int radius)
        {
            var v = MemoryMarshal.Cast<float, Vector<float>>(line.AsSpan(0, (length + 2 * radius) * Lanes));
            var first = v[radius];
            var last = v[radius + length - 1];
            for (int i = 0; i < radius; i++)
            {
                v[i] = first;
                v[radius + length + i] = last;
            }
        }

        /// <summary>to[radius + x] = the mean of from[x .. x + 2·radius]: a running sum of vectors.</summary>
        private static void Mean(float[] from, float[] to, int length, int radius)
        {
            var f = MemoryMarshal.Cast<float, Vector<float>>(from.AsSpan(0, (length + 2 * radius) * Lanes));
            var t = MemoryMarshal.Cast<float, Vector<float>>(to.AsSpan(0, (length + 2 * radius) * Lanes));
            int window = 2 * radius + 1;
            var scale = new Vector<float>(1f / window);
            var sum = Vector<float>.Zero;
            for (int i = 0; i < window; i++) sum += f[i];
            t[radius] = sum * scale;
            for (int x = 1; x < length; x++)
            {
                sum += f[x + window - 1] - f[x - 1];
                t[radius + x] = sum * scale;
            }
        }
    }
}

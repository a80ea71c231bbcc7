using System;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.Threading;

namespace Rvm.Matting;

/// <summary>
/// The writer stage's pixel work for one frame: the bytes of every output asked for (composition over the
/// background, alpha, foreground; planar G, B, R as ffmpeg takes them), made a row at a time in row bands on
/// every core. The foreground and alpha rows come either from a full-size <see cref="MatteBuffer"/> or, in the
/// coefficient cut, straight from the frame's bytes and its guided filter coefficients, so that no full-size float
/// image is ever made (except the whole frame's alpha, where matte controls or a blurred background need it first:
/// an alpha-only pass of the tail, 2.3 ms a 1080p frame on one thread against 8.6 for whole rows).
/// Buffers are allocated once.
/// </summary>
internal sealed class FrameComposer : IDisposable
{
    private readonly int _width, _height;
    private readonly Background _background;
    private readonly float[] _colour; // background colour as planes G, B, R in [0,1]
    private readonly GuidedFilterTail? _tail;
    private readonly Band[] _bands;
    private readonly BandRunner _runner;
    private readonly Action<int> _composeBand, _alphaBand;
    private readonly MatteAdjuster? _adjuster; // null: the network's alpha as it is
    private readonly BackgroundBlur? _blur; // -Background Blur
    // The coefficient cut's whole alpha, made before composing: the adjuster's, or the blur's own; null when not needed.
    private readonly float[]? _wholeAlpha;
    // The frame being composed.
    private MatteBuffer? _matte;
    private byte[]? _frame;
    private CoefficientFrame? _coefficients;
    private byte[]? _picture;

    /// <param name="blurRadius">The radius of -Background Blur (<see cref="BackgroundBlur.RadiusFor"/>); unused with other backgrounds.</param>
    public FrameComposer(int width, int height, Background background, bool composition, bool alpha, bool foreground, GuidedFilterTail? tail, int bands,
        MatteControls? matte = null, int blurRadius = 0)
    {
        _width = width;
        _height = height;
        _background = background;
        _tail = tail;
        int plane = width * height;
        bool transparent = background.IsTransparent;
        Composition = composition ? new byte[plane * (transparent ? 4 : 3)] : Array.Empty<byte>();
        Alpha = alpha ? new byte[plane] : Array.Empty<byte>();
        Foreground = foreground ? new byte[plane * 3] : Array.Empty<byte>();
        var c = background.Colour;
        _colour = new[] { c.Green / 255f, c.Blue / 255f, c.Red / 255f };
        _runner = new BandRunner(Math.Min(bands, height), "Rvm compose");
        if (composition && background.Kind == BackgroundKind.Blur) _blur = new BackgroundBlur(width, height, blurRadius, _runner);
        _bands = new Band[_runner.Bands];
        for (int i = 0; i < _bands.Length; i++) _bands[i] = new Band(width, tail, _blur);
        _composeBand = ComposeBand;
        _alphaBand = AlphaBand;
        if (matte != null && !matte.IsDefault) _adjuster = new MatteAdjuster(width, height, matte, _runner);
        _wholeAlpha = _adjuster?.Alpha ?? (_blur != null && tail != null ? new float[plane] : null);
    }

    public void Dispose() => _runner.Dispose();

    /// <summary>The composition: planes G, B, R (and A when transparent).</summary>
    public byte[] Composition { get; }
    public byte[] Alpha { get; }
    /// <summary>The foreground: planes G, B, R.</summary>
    public byte[] Foreground { get; }

    /// <summary>
    /// Composes from a full-size matte; <paramref name="picture"/> is the background frame (planes G, B, R) if any,
    /// <paramref name="frame"/> the input frame (planes G, B, R), which -Background Blur blurs.
    /// </summary>
    public void Compose(MatteBuffer matte, byte[]? picture, byte[]? frame = null) => Run(matte, frame, null, picture);

    /// <summary>Composes from the frame (planes G, B, R) and its guided filter coefficients.</summary>
    public void Compose(byte[] frame, CoefficientFrame coefficients, byte[]? picture) => Run(null, frame, coefficients, picture);

    private void Run(MatteBuffer? matte, byte[]? frame, CoefficientFrame? coefficients, byte[]? picture)
    {
        _matte = matte;
        _frame = frame;
        _coefficients = coefficients;
        _picture = picture;
        try
        {
            if (_adjuster != null) AdjustAlpha();
            if (_blur != null) BlurBackground();
            _runner.Run(_composeBand);
        }
        finally
        {
            _matte = null;
            _frame = null;
            _coefficients = null;
            _picture = null;
        }
    }

    /// <summary>The whole frame's alpha into the adjuster, then adjusted: grow and feather need the rows around each row.</summary>
    private void AdjustAlpha()
    {
        if (_matte != null) Array.Copy(_matte.Alpha, _adjuster!.Alpha, _adjuster.Alpha.Length);
        else _runner.Run(_alphaBand);
        _adjuster!.Adjust();
    }

    /// <summary>The background blurred where the whole frame's alpha says it is background.</summary>
    private void BlurBackground()
    {
        if (_frame == null) throw new InvalidOperationException("-Background Blur needs the input frame to compose.");
        if (_adjuster == null && _matte == null) _runner.Run(_alphaBand);
        _blur!.Prepare(_frame, _adjuster != null || _matte == null ? _wholeAlpha! : _matte.Alpha);
    }

    /// <summary>The coefficient cut's alpha rows of one band, alone (the foreground rows are made while composing).</summary>
    private void AlphaBand(int index)
    {
        var band = _bands[index];
        band.Tail!.Reset();
        for (int y = _height * index / _bands.Length, end = _height * (index + 1) / _bands.Length; y < end; y++)
            _tail!.AlphaRow(band.Tail, y, _frame, _coefficients!.A, _coefficients.B, _wholeAlpha!.AsSpan(y * _width, _width));
    }

    private void ComposeBand(int index)
    {
        var band = _bands[index];
        band.Tail?.Reset();
        band.Blur?.Reset();
        int w = _width, plane = _width * _height;
        for (int y = _height * index / _bands.Length, end = _height * (index + 1) / _bands.Length; y < end; y++)
        {
            int row = y * w;
            // Foreground rows as G, B, R (ffmpeg's plane order) and the alpha row.
            Span<float> g, b, r, a;
            if (_matte != null)
            {
                r = _matte.Foreground.AsSpan(row, w);
                g = _matte.Foreground.AsSpan(plane + row, w);
                b = _matte.Foreground.AsSpan(2 * plane + row, w);
                a = _matte.Alpha.AsSpan(row, w);
            }
            else
            {
                r = band.Rows[0];
                g = band.Rows[1];
                b = band.Rows[2];
                a = band.Rows[3];
                _tail!.Row(band.Tail!, y, _frame, _coefficients!.A, _coefficients.B, r, g, b, a);
            }
            if (_adjuster != null) a = _adjuster.Alpha.AsSpan(row, w);

            if (Alpha.Length > 0) PlanarPixels.ToBytes(a, Alpha.AsSpan(row, w));
            if (Foreground.Length > 0)
            {
                PlanarPixels.ToBytes(g, Foreground.AsSpan(row, w));
                PlanarPixels.ToBytes(b, Foreground.AsSpan(plane + row, w));
                PlanarPixels.ToBytes(r, Foreground.AsSpan(2 * plane + row, w));
            }
            if (Composition.Length == 0) continue;
            switch (_background.Kind)
            {
                case BackgroundKind.Transparent:
                    PlanarPixels.ToBytes(g, Composition.AsSpan(row, w));
                    PlanarPixels.ToBytes(b, Composition.AsSpan(plane + row, w));
                    PlanarPixels.ToBytes(r, Composition.AsSpan(2 * plane + row, w));
                    PlanarPixels.ToBytes(a, Composition.AsSpan(3 * plane + row, w));
                    break;
                case BackgroundKind.Colour:
                    PlanarPixels.OverConstant(g, a, _colour[0], Composition.AsSpan(row, w));
                    PlanarPixels.OverConstant(b, a, _colour[1], Composition.AsSpan(plane + row, w));
                    PlanarPixels.OverConstant(r, a, _colour[2], Composition.AsSpan(2 * plane + row, w));
                    break;
                case BackgroundKind.Blur:
                    var behind = band.Behind!;
                    _blur!.Row(band.Blur!, y, behind[0], behind[1], behind[2]);
                    PlanarPixels.OverFloats(g, a, behind[0], Composition.AsSpan(row, w));
                    PlanarPixels.OverFloats(b, a, behind[1], Composition.AsSpan(plane + row, w));
                    PlanarPixels.OverFloats(r, a, behind[2], Composition.AsSpan(2 * plane + row, w));
                    break;
                default:
                    var picture = _picture!;
                    PlanarPixels.OverPlane(g, a, picture.AsSpan(row, w), band.Scratch, Composition.AsSpan(row, w));
                    PlanarPixels.OverPlane(b, a, picture.AsSpan(plane + row, w), band.Scratch, Composition.AsSpan(plane + row, w));
                    PlanarPixels.OverPlane(r, a, picture.AsSpan(2 * plane + row, w), band.Scratch, Composition.AsSpan(2 * plane + row, w));
                    break;
            }
        }
    }

    /// <summary>One worker's rows.</summary>
    private sealed class Band
    {
        public Band(int width, GuidedFilterTail? tail, BackgroundBlur? blur)
        {
            Rows = new[] { new float[width], new float[width], new float[width], new float[width] };
            Scratch = new float[width];
            Tail = tail?.CreateBand();
            Blur = blur?.CreateBand();
            if (blur != null) Behind = new[] { new float[width], new float[width], new float[width] };
        }

        public float[][] Rows { get; }
        public float[] Scratch { get; }
        public GuidedFilterTail.Band? Tail { get; }
        public BackgroundBlur.Band? Blur { get; }
        /// <summary>The blurred background's row, planes G, B, R.</summary>
        public float[][]? Behind { get; }
    }
}

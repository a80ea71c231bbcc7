using System;
using System.Threading;
using Rvm.Inference;
using Rvm.Threading;

namespace Rvm.Diagnostics;

/// <summary>
/// Whole full-size mattes from a <see cref="MattingSession"/>, whichever way it runs: the whole graph, or the
/// coefficient cut followed by the guided filter's tail over every row, in row bands on every core. Only the
/// benchmark and the fidelity tests want whole mattes of the cut; a conversion makes the tail's rows while it
/// composes (<see cref="Matting.FrameComposer"/>), so this band code stays out of the session.
/// </summary>
internal sealed class FullMatteSession : IDisposable
{
    private readonly MattingSession _session;
    private readonly BandRunner? _runner;
    private readonly GuidedFilterTail.Band[]? _bands;
    private readonly CoefficientFrame? _coefficients;
    private readonly Action<int>? _runBand;
    private byte[]? _frame;
    private MatteBuffer? _target;

    public FullMatteSession(RvmModel model, int width, int height, float ratio)
    {
        _session = new MattingSession(model, width, height, ratio);
        if (!_session.HasCoefficientCut) return;
        _runner = new BandRunner(Math.Min(model.ThreadCount, height), "Rvm matte");
        _bands = new GuidedFilterTail.Band[_runner.Bands];
        for (int i = 0; i < _bands.Length; i++) _bands[i] = _session.Tail!.CreateBand();
        _coefficients = _session.CreateCoefficientFrame();
        _runBand = MatteBand;
    }

    public long FramesRun => _session.FramesRun;

    public MatteBuffer CreateBuffer() => _session.CreateBuffer();

    /// <summary>Loads a frame given as planes G, B, R; keep it unchanged until <see cref="Run"/>, which reads it again in the cut.</summary>
    public void LoadPlanarGbr(byte[] gbrp)
    {
        _session.LoadPlanarGbr(gbrp);
        _frame = gbrp;
    }

    /// <summary>Runs the loaded frame; its full-size fgr and pha land in <paramref name="output"/>, the state moves on.</summary>
    public void Run(MatteBuffer output, CancellationToken cancel = default)
    {
        if (!_session.HasCoefficientCut)
        {
            _session.Run(output, cancel);
            return;
        }
        _session.RunCoefficients(_coefficients!, cancel);
        _target = output;
        try { _runner!.Run(_runBand!); }
        finally { _target = null; }
    }

    private void MatteBand(int index)
    {
        var band = _bands![index];
        band.Reset();
        int width = _session.Width, height = _session.Height, plane = width * height;
        var fgr = _target!.Foreground;
        for (int y = height * index / _bands.Length, end = height * (index + 1) / _bands.Length; y < end; y++)
            _session.Tail!.Row(band, y, _frame!, _coefficients!.A, _coefficients.B,
                fgr.AsSpan(y * width, width), fgr.AsSpan(plane + y * width, width), fgr.AsSpan(2 * plane + y * width, width),
                _target.Alpha.AsSpan(y * width, width));
    }

    public void Dispose()
    {
        _coefficients?.Dispose();
        _runner?.Dispose();
        _session.Dispose();
    }
}

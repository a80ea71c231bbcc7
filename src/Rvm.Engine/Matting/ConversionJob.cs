using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Rvm.Inference;
using Rvm.IO;
using Rvm.Media;

namespace Rvm.Matting;

/// <summary>One conversion's stages and the state they share.</summary>
internal sealed class ConversionJob
{
    // Frames in flight between stages: enough to keep every stage busy, few enough to keep 4K in flat memory.
    internal const int QueueDepth = 2;
    // Where the model has no coefficient cut (an official ONNX file, a GPU, ratio 1), float mattes of 16 bytes a
    // pixel (133 MB at 4K) travel instead: as many as fit this budget (two at 1080p, one at 4K), at most one per
    // stage and queue slot. One is enough to overlap the stages, since the writer gives its matte back as soon as
    // the pixels are composed, before the slow writes into the encoders.
    internal const long MatteBudgetBytes = 100L << 20;

    private readonly RvmModel _model;
    private readonly ConversionPlan _plan;
    private readonly ConversionRequest _request;
    private readonly IReadOnlyList<OutputClaim> _claims;
    private readonly IFrameSource _source;
    private readonly MediaInfo? _info;
    private readonly int _width, _height;
    private readonly float _ratio;
    private readonly long? _total;
    private readonly Action<ConversionProgress>? _progress;
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _clock;
    // Fixed pools: every frame and matte buffer that can be in flight at once, allocated once.
    private readonly BlockingCollection<byte[]> _freeFrames = new BlockingCollection<byte[]>();
    private readonly BlockingCollection<MatteBuffer> _freeMattes = new BlockingCollection<MatteBuffer>();
    private readonly BlockingCollection<CoefficientFrame> _freeCoefficients = new BlockingCollection<CoefficientFrame>();
    private readonly BlockingCollection<(byte[] Pixels, long Pts)> _decoded = new BlockingCollection<(byte[], long)>(QueueDepth);
    private readonly BlockingCollection<MattedFrame> _matted = new BlockingCollection<MattedFrame>(QueueDepth);
    private readonly MattingSession _session;
    private readonly List<IDisposable> _buffers = new List<IDisposable>();
    private Exception? _failure;
    // NUT timestamps cannot be negative; an input that starts below zero is shifted, and only the NUT sees it.
    private long _ptsShift;
    private readonly HardwareVideoChoice _hardware;

    /// <param name="clock">Started by the caller, so the result's elapsed time counts the opening of the source too.</param>
    public ConversionJob(RvmModel model, ConversionPlan plan, IReadOnlyList<OutputClaim> claims, IFrameSource source,
        Action<ConversionProgress>? progress, CancellationTokenSource stop, Stopwatch clock, HardwareVideoChoice hardware)
    {
        _hardware = hardware;
        _model = model;
        _plan = plan;
        _request = plan.Request;
        _claims = claims;
        _source = source;
        _info = plan.InputInfo;
        int width = plan.Width, height = plan.Height;
        (_width, _height, _ratio) = (width, height, plan.Ratio);
        _total = plan.ImageFiles != null ? plan.ImageFiles.Count : plan.InputInfo!.FrameCountEstimate;
        _progress = progress;
        _stop = stop;
        _clock = clock;
        _session = new MattingSession(model, width, height, _ratio);
        if (_session.HasCoefficientCut)
        {
            // The frame's bytes travel on to the writer with its coefficients (a few MB at the network's size):
            // one being decoded, the queues, one in the network and one being composed.
            for (int i = 0; i < 2 * QueueDepth + 3; i++) _freeFrames.Add(new byte[width * height * 3]);
            for (int i = 0; i < QueueDepth + 2; i++) _freeCoefficients.Add(Own(_session.CreateCoefficientFrame()));
        }
        else
        {
            // Frames: one being decoded, one queued, one being loaded into the network.
            for (int i = 0; i < QueueDepth + 1; i++) _freeFrames.Add(new byte[width * height * 3]);
            long matteBytes = 16L * width * height;
            int mattes = (int)Math.Max(1, Math.Min(QueueDepth + 2, MatteBudgetBytes / matteBytes));
            for (int i = 0; i < mattes; i++) _freeMattes.Add(Own(_session.CreateBuffer()));
        }
    }

    /// <summary>How this conversion runs the network, for -Verbose.</summary>
    public string Describe() => _session.HasCoefficientCut
        ? $"The network runs at {_session.LowWidth}x{_session.LowHeight} (ratio {_ratio}); the guided filter's {_width}x{_height} end is made row by row while composing."
        : $"The network runs the whole graph at {_width}x{_height} (ratio {_ratio}) on {_model.Device}.";

    private T Own<T>(T buffer) where T : IDisposable
    {
        _buffers.Add(buffer);
        return buffer;
    }

    public long Run()
    {
        var decode = Start("Rvm decode", Decode);
        var infer = Start("Rvm inference", Infer);
        long frames = 0;
        var writers = new List<(VideoFileWriter Writer, OutputKind Kind)>();
        try
        {
            frames = Write(writers);
            decode.Join();
            infer.Join();
            ThrowIfFailed();
            // Every output is finished before any is moved into place: all or nothing.
            foreach (var (writer, _) in writers) writer.Finish();
            OutputCommit.CommitAll(_claims);
            return frames;
        }
        catch (Exception e)
        {
            Fail(e);
            decode.Join();
            infer.Join();
            ThrowIfFailed();
            throw;
        }
        finally
        {
            foreach (var (writer, _) in writers) writer.Dispose();
            _session.Dispose();
            foreach (var buffer in _buffers) buffer.Dispose();
        }
    }

    private Thread Start(string name, Action body)
    {
        var thread = new Thread(() =>
        {
            try { body(); }
            catch (Exception e) { Fail(e); }
        }) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    private void Fail(Exception e)
    {
        // The first failure is the one to report; later ones are usually its consequences.
        if (!(e is OperationCanceledException) || _stop.IsCancellationRequested)
            Interlocked.CompareExchange(ref _failure, e, null);
        _stop.Cancel();
    }

    private void ThrowIfFailed()
    {
        var failure = _failure;
        if (failure is OperationCanceledException || (failure == null && _stop.IsCancellationRequested))
            throw new OperationCanceledException($"The conversion of '{_request.Input}' was stopped.", failure);
        if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    private void Decode()
    {
        try
        {
            var token = _stop.Token;
            while (true)
            {
                var buffer = _freeFrames.Take(token);
                if (!_source.TryRead(buffer, out var pts)) break;
                _decoded.Add((buffer, pts), token);
            }
        }
        finally { _decoded.CompleteAdding(); }
    }

    private void Infer()
    {
        try
        {
            var token = _stop.Token;
            foreach (var (pixels, pts) in _decoded.GetConsumingEnumerable(token))
            {
                if (_session.HasCoefficientCut)
                {
                    var coefficients = _freeCoefficients.Take(token);
                    _session.LoadPlanarGbr(pixels);
                    _session.RunCoefficients(coefficients, token);
                    _matted.Add(new MattedFrame(pts, null, pixels, coefficients), token);
                    continue;
                }
                var matte = _freeMattes.Take(token);
                _session.LoadPlanarGbr(pixels);
                _freeFrames.Add(pixels);
                _session.Run(matte, token);
                _matted.Add(new MattedFrame(pts, matte, null, null), token);
            }
        }
        finally { _matted.CompleteAdding(); }
    }

    private long Write(List<(VideoFileWriter Writer, OutputKind Kind)> writers)
    {
        var token = _stop.Token;
        var kinds = _plan.Outputs.Select(o => o.Kind).ToList();
        using var composer = new FrameComposer(_width, _height, _request.Background, kinds.Contains(OutputKind.Composition),
            kinds.Contains(OutputKind.Alpha), kinds.Contains(OutputKind.Foreground), _session.Tail, Environment.ProcessorCount);
        byte[]? backgroundPicture = null;
        VideoFrameReader? backgroundVideo = null;
        long frames = 0;
        var lastReport = TimeSpan.Zero;
        try
        {
            foreach (var item in _matted.GetConsumingEnumerable(token))
            {
                if (frames == 0)
                {
                    OpenWriters(writers, item.Pts, token);
                    (backgroundPicture, backgroundVideo) = OpenBackground(token);
                }
                if (backgroundVideo != null && !backgroundVideo.TryRead(backgroundPicture!, out _))
                    throw new InvalidDataException($"The background video '{_request.Background.Path}' gave no frame.");
                // Every output's pixels first, then the buffers go back: the slow part, the writes into the
                // encoders, overlaps the next frame's inference.
                if (item.Matte != null)
                {
                    composer.Compose(item.Matte, backgroundPicture);
                    _freeMattes.Add(item.Matte);
                }
                else
                {
                    composer.Compose(item.Pixels!, item.Coefficients!, backgroundPicture);
                    _freeFrames.Add(item.Pixels!);
                    _freeCoefficients.Add(item.Coefficients!);
                }
                foreach (var (writer, kind) in writers)
                    writer.Write(item.Pts + _ptsShift, kind == OutputKind.Alpha ? composer.Alpha : kind == OutputKind.Foreground ? composer.Foreground : composer.Composition);
                frames++;
                if (_progress != null && (_clock.Elapsed - lastReport).TotalMilliseconds >= 250)
                {
                    lastReport = _clock.Elapsed;
                    _progress(new ConversionProgress(_request.Input, frames, _total, _clock.Elapsed));
                }
            }
        }
        finally { backgroundVideo?.Dispose(); }
        if (frames == 0) ThrowIfFailed();
        _progress?.Invoke(new ConversionProgress(_request.Input, frames, frames, _clock.Elapsed));
        return frames;
    }

    /// <summary>A background picture is read once, scaled to cover the frame; a background video loops behind it.</summary>
    private (byte[]? Picture, VideoFrameReader? Video) OpenBackground(CancellationToken token)
    {
        var background = _request.Background;
        if (!background.IsFile) return (null, null);
        var picture = new byte[_width * _height * 3];
        var reader = new VideoFrameReader(background.Path!, _width, _height, loop: background.Kind == BackgroundKind.Video, cover: true, planar: true, cancel: token);
        if (background.Kind == BackgroundKind.Video) return (picture, reader);
        using (reader)
            if (!reader.TryRead(picture, out _)) throw new InvalidDataException($"The background picture '{background.Path}' could not be read.");
        return (picture, null);
    }

    private void OpenWriters(List<(VideoFileWriter, OutputKind)> writers, long firstPts, CancellationToken token)
    {
        var timeBase = _source.TimeBase;
        if (!timeBase.IsValid) throw new InvalidDataException($"'{_request.Input}': ffmpeg reported no time base.");
        _ptsShift = firstPts < 0 ? -firstPts : 0;
        var offset = TimeSpan.FromTicks((long)Math.Round(firstPts * (double)timeBase.Numerator / timeBase.Denominator * TimeSpan.TicksPerSecond));
        for (int i = 0; i < _plan.Outputs.Count; i++)
        {
            var (kind, format) = (_plan.Outputs[i].Kind, _plan.Outputs[i].Format);
            var pixels = kind == OutputKind.Alpha ? FramePixels.Gray
                : kind == OutputKind.Composition && _request.Background.IsTransparent ? FramePixels.Rgba
                : FramePixels.Rgb;
            writers.Add((new VideoFileWriter(_claims[i].FinalPath, _claims[i].TempPath, _plan.Outputs[i].Tag, format, pixels, _width, _height, timeBase, offset < TimeSpan.Zero ? TimeSpan.Zero : offset,
                _info, _request.VideoBitrateMbps, _request.Quality, _total, token, _hardware.Nvenc, _hardware.Device), kind));
        }
    }
}

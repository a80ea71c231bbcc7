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
using Rvm.Segments;

namespace Rvm.Matting;

/// <summary>One conversion's stages and the state they share.</summary>
internal sealed class ConversionJob
{
    // Frames in flight between stages: enough to keep every stage busy, few enough to keep 4K in flat memory.
    internal const int QueueDepth = 2;
    // Where the model has no coefficient cut (an official ONNX file, a GPU, ratio 1), float mattes of 16 bytes a
    // pixel (133 MB at 4K) travel instead: as many as fit this budget (three at 1080p, one at 4K), at most one per
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
    // A part of a conversion in chunks: its window of timestamps, its chunks and checkpoints; null writes the outputs directly.
    private readonly PartRun? _part;
    private (long PreRollFrom, long From, long? To) _window;
    private int _windowKnown;
    // Two state buffers at most, made at the first checkpoint: one being saved while the network fills the other.
    private readonly BlockingCollection<StateSnapshot> _freeSnapshots = new BlockingCollection<StateSnapshot>();
    private int _snapshotsMade;

    /// <param name="clock">Started by the caller, so the result's elapsed time counts the opening of the source too.</param>
    /// <param name="part">Runs one part of a conversion in chunks (<see cref="Segments.SegmentPlan"/>); null writes the outputs directly and commits them.</param>
    public ConversionJob(RvmModel model, ConversionPlan plan, IReadOnlyList<OutputClaim> claims, IFrameSource source,
        Action<ConversionProgress>? progress, CancellationTokenSource stop, Stopwatch clock, HardwareVideoChoice hardware, PartRun? part = null)
    {
        _part = part;
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
        if (part?.Resume?.State != null) _session.Restore(part.Resume.State);
        if (_session.HasCoefficientCut)
        {
            // The frame's bytes travel on to the writer with its coefficients (a few MB at the network's size):
            // one being decoded, the queues, one in the network and one being composed.
            for (int i = 0; i < 2 * QueueDepth + 3; i++) _freeFrames.Add(new byte[width * height * 3]);
            for (int i = 0; i < QueueDepth + 2; i++) _freeCoefficients.Add(Own(_session.CreateCoefficientFrame()));
        }
        else
        {
            // Frames: one being decoded, one queued, one being loaded into the network; -Background Blur keeps each
            // frame with its matte until composed, so one more for every matte.
            long matteBytes = 16L * width * height;
            int mattes = (int)Math.Max(1, Math.Min(QueueDepth + 2, MatteBudgetBytes / matteBytes));
            for (int i = 0; i < QueueDepth + 1 + (BlursFrame ? mattes : 0); i++) _freeFrames.Add(new byte[width * height * 3]);
            for (int i = 0; i < mattes; i++) _freeMattes.Add(Own(_session.CreateBuffer()));
        }
    }

    /// <summary>The writer needs each input frame as well as its matte: -Background Blur blurs it.</summary>
    private bool BlursFrame => _request.Background.Kind == BackgroundKind.Blur && _request.CompositionPath != null;

    /// <summary>How this conversion runs the network, for -Verbose.</summary>
    public string Describe() => _session.HasCoefficientCut
        ? $"The network runs at {_session.LowWidth}x{_session.LowHeight} (ratio {_ratio}); the guided filter's {_width}x{_height} end is made row by row while composing."
        : $"The network runs the whole graph at {_width}x{_height} (ratio {_ratio}) on {_model.Device}.";

    private T Own<T>(T buffer) where T : IDisposable
    {
        _buffers.Add(buffer);
        return buffer;
    }

    /// <summary>Runs the conversion (or the part) to its end; returns the frames written in this run.</summary>
    public long Run()
    {
        var decode = Start("Rvm decode", Decode);
        var infer = Start("Rvm inference", Infer);
        long frames = 0;
        var writers = new List<(VideoFileWriter Writer, OutputKind Kind)>();
        using var chunks = _part != null
            ? new ChunkWriter(_part.Work, _part.Range.Index, _part.Segments.Fingerprint, _plan.Outputs, _part.Resume, OpenChunkWriter, _part.OutputMicroseconds)
            : null;
        try
        {
            frames = Write(chunks != null ? null : writers, chunks);
            decode.Join();
            infer.Join();
            ThrowIfFailed();
            if (chunks != null)
            {
                chunks.Finish(_source.TimeBase);
                return frames;
            }
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
        if (failure is IOException io && _part != null) throw Resumable(io);
        if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary>
    /// A write that failed in a part (a full disk, a chunk or checkpoint that could not be saved): the work folder is
    /// kept, so the error says which outputs stopped and that running the conversion again goes on from there.
    /// </summary>
    private IOException Resumable(IOException failure) => new IOException(
        $"Writing {string.Join(", ", _plan.Outputs.Select(o => $"'{o.Path}'"))} failed: {failure.Message.TrimEnd().TrimEnd('.')}. " +
        $"The work done is kept in '{_part!.Work.Path}'; run the same conversion again once the cause is fixed, and it resumes from the last checkpoint.", failure);

    private void Decode()
    {
        try
        {
            var token = _stop.Token;
            while (true)
            {
                var buffer = _freeFrames.Take(token);
                if (!_source.TryRead(buffer, out var pts)) break;
                if (_part != null)
                {
                    var window = Window();
                    // Before the window (the seek's key frame came earlier), or past it: the next part's.
                    if (pts < window.PreRollFrom)
                    {
                        _freeFrames.Add(buffer);
                        continue;
                    }
                    if (pts >= window.To) break;
                }
                _decoded.Add((buffer, pts), token);
            }
        }
        finally { _decoded.CompleteAdding(); }
    }

    /// <summary>The part's window, resolved once the source knows its time base (with its first frame).</summary>
    private (long PreRollFrom, long From, long? To) Window()
    {
        if (Volatile.Read(ref _windowKnown) == 0)
        {
            _window = _part!.Window(_source.TimeBase);
            Volatile.Write(ref _windowKnown, 1);
        }
        return _window;
    }

    private void Infer()
    {
        try
        {
            var token = _stop.Token;
            // Frames of this part so far, counting those of the chunks a resumed part has already: a chunk ends at every multiple.
            long done = _part?.Resume?.FramesDone ?? 0;
            int perChunk = _part?.Segments.CheckpointFrames ?? 0;
            foreach (var (pixels, pts) in _decoded.GetConsumingEnumerable(token))
            {
                // A pre-roll frame runs only to warm the state: its outputs are dropped.
                bool warmUp = _part != null && pts < Window().From;
                StateSnapshot? checkpoint = null;
                if (!warmUp && perChunk > 0 && ++done % perChunk == 0) checkpoint = TakeSnapshot(token);
                if (_session.HasCoefficientCut)
                {
                    var coefficients = _freeCoefficients.Take(token);
                    _session.LoadPlanarGbr(pixels);
                    _session.RunCoefficients(coefficients, token, checkpoint);
                    if (warmUp)
                    {
                        _freeCoefficients.Add(coefficients);
                        _freeFrames.Add(pixels);
                        continue;
                    }
                    _matted.Add(new MattedFrame(pts, null, pixels, coefficients, checkpoint), token);
                    continue;
                }
                var matte = _freeMattes.Take(token);
                _session.LoadPlanarGbr(pixels);
                bool keep = BlursFrame && !warmUp;
                if (!keep) _freeFrames.Add(pixels);
                _session.Run(matte, token, checkpoint);
                if (warmUp)
                {
                    _freeMattes.Add(matte);
                    continue;
                }
                _matted.Add(new MattedFrame(pts, matte, keep ? pixels : null, null, checkpoint), token);
            }
        }
        finally { _matted.CompleteAdding(); }
    }

    private StateSnapshot TakeSnapshot(CancellationToken token)
    {
        if (_freeSnapshots.TryTake(out var snapshot)) return snapshot;
        if (_snapshotsMade < 2)
        {
            _snapshotsMade++;
            return Own(_session.CreateSnapshot());
        }
        return _freeSnapshots.Take(token);
    }

    /// <summary>The writer stage: composes each frame and writes it into the outputs, or into the part's chunks.</summary>
    private long Write(List<(VideoFileWriter Writer, OutputKind Kind)>? writers, ChunkWriter? chunks)
    {
        var token = _stop.Token;
        var kinds = _plan.Outputs.Select(o => o.Kind).ToList();
        using var composer = new FrameComposer(_width, _height, _request.Background, kinds.Contains(OutputKind.Composition),
            kinds.Contains(OutputKind.Alpha), kinds.Contains(OutputKind.Foreground), _session.Tail, Environment.ProcessorCount, _request.Matte, _plan.BlurRadius);
        byte[]? backgroundPicture = null;
        VideoFrameReader? backgroundVideo = null;
        long frames = 0, before = _part?.Resume?.FramesDone ?? 0;
        var lastReport = TimeSpan.Zero;
        try
        {
            foreach (var item in _matted.GetConsumingEnumerable(token))
            {
                if (frames == 0)
                {
                    if (writers != null) OpenWriters(writers, item.Pts);
                    (backgroundPicture, backgroundVideo) = OpenBackground(before, token);
                }
                if (chunks != null && !chunks.IsOpen) chunks.Begin(item.Pts, _source.TimeBase);
                if (backgroundVideo != null && !backgroundVideo.TryRead(backgroundPicture!, out _))
                    throw new InvalidDataException($"The background video '{_request.Background.Path}' gave no frame.");
                // Every output's pixels first, then the buffers go back: the slow part, the writes into the
                // encoders, overlaps the next frame's inference.
                if (item.Matte != null)
                {
                    composer.Compose(item.Matte, backgroundPicture, item.Pixels);
                    _freeMattes.Add(item.Matte);
                    if (item.Pixels != null) _freeFrames.Add(item.Pixels);
                }
                else
                {
                    composer.Compose(item.Pixels!, item.Coefficients!, backgroundPicture);
                    _freeFrames.Add(item.Pixels!);
                    _freeCoefficients.Add(item.Coefficients!);
                }
                // A chunk's timestamps start at 0 (the join places it); the direct outputs keep the input's.
                IReadOnlyList<(VideoFileWriter Writer, OutputKind Kind)> targets = chunks != null ? chunks.Writers : writers!;
                long pts = chunks != null ? item.Pts - chunks.FirstPts : item.Pts + _ptsShift;
                for (int i = 0; i < targets.Count; i++)
                {
                    var (writer, kind) = targets[i];
                    writer.Write(pts, kind == OutputKind.Alpha ? composer.Alpha : kind == OutputKind.Foreground ? composer.Foreground : composer.Composition);
                }
                frames++;
                if (chunks != null)
                {
                    chunks.Wrote(item.Pts);
                    if (item.Checkpoint != null)
                    {
                        chunks.End(item.Checkpoint, finished: false);
                        _freeSnapshots.Add(item.Checkpoint);
                    }
                }
                if (_progress != null && (_clock.Elapsed - lastReport).TotalMilliseconds >= 250)
                {
                    lastReport = _clock.Elapsed;
                    _progress(new ConversionProgress(_request.Input, before + frames, _total, _clock.Elapsed));
                }
            }
        }
        finally { backgroundVideo?.Dispose(); }
        if (frames == 0) ThrowIfFailed();
        _progress?.Invoke(new ConversionProgress(_request.Input, before + frames, _part != null ? _total : before + frames, _clock.Elapsed));
        return frames;
    }

    /// <summary>
    /// A background picture is read once, scaled to cover the frame; a background video loops behind it, from the
    /// frame that goes behind the input's frame <paramref name="firstFrame"/> (a resumed conversion's).
    /// </summary>
    private (byte[]? Picture, VideoFrameReader? Video) OpenBackground(long firstFrame, CancellationToken token)
    {
        var background = _request.Background;
        if (!background.IsFile) return (null, null);
        var picture = new byte[_width * _height * 3];
        var reader = new VideoFrameReader(background.Path!, _width, _height, loop: background.Kind == BackgroundKind.Video, cover: true, planar: true, cancel: token);
        if (background.Kind == BackgroundKind.Video)
        {
            for (long i = 0; i < firstFrame; i++)
                if (!reader.TryRead(picture, out _)) throw new InvalidDataException($"The background video '{background.Path}' gave no frame.");
            return (picture, reader);
        }
        using (reader)
            if (!reader.TryRead(picture, out _)) throw new InvalidDataException($"The background picture '{background.Path}' could not be read.");
        return (picture, null);
    }

    private void OpenWriters(List<(VideoFileWriter, OutputKind)> writers, long firstPts)
    {
        var timeBase = _source.TimeBase;
        if (!timeBase.IsValid) throw new InvalidDataException($"'{_request.Input}': ffmpeg reported no time base.");
        _ptsShift = firstPts < 0 ? -firstPts : 0;
        var offset = TimeSpan.FromTicks((long)Math.Round(firstPts * (double)timeBase.Numerator / timeBase.Denominator * TimeSpan.TicksPerSecond));
        for (int i = 0; i < _plan.Outputs.Count; i++)
            writers.Add((CreateWriter(i, _claims[i].FinalPath, _claims[i].TempPath, _plan.Outputs[i].Tag, offset < TimeSpan.Zero ? TimeSpan.Zero : offset, _info, _total), _plan.Outputs[i].Kind));
    }

    private VideoFileWriter CreateWriter(int output, string finalPath, string tempPath, string tag, TimeSpan offset, MediaInfo? audio, long? frames)
    {
        var planned = _plan.Outputs[output];
        return new VideoFileWriter(finalPath, tempPath, tag, planned.Format, planned.PixelsOver(_request.Background), _width, _height, _source.TimeBase, offset,
            audio, _request.VideoBitrateMbps, _request.Quality, frames, _stop.Token, _hardware.Nvenc, _hardware.Device);
    }

    /// <summary>
    /// A chunk's writer: no audio (the join adds it once), the final output's provenance tag, and, where the container
    /// rounds times to milliseconds, its first frame at the time it has in the output (<see cref="OutputFormat.StoresMilliseconds"/>).
    /// </summary>
    private VideoFileWriter OpenChunkWriter(int output, string path, long firstPts)
    {
        var offset = _plan.Outputs[output].Format.StoresMilliseconds
            ? TimeSpan.FromTicks(Math.Max(0, _part!.OutputMicroseconds(firstPts, _source.TimeBase)) * 10)
            : TimeSpan.Zero;
        // Named after the output it becomes, so that an error names a file the user knows, not a hidden chunk.
        return CreateWriter(output, _plan.Outputs[output].Path, path, _plan.Outputs[output].Tag, offset, null, _part!.Segments.CheckpointFrames > 0 ? _part.Segments.CheckpointFrames : _total);
    }
}

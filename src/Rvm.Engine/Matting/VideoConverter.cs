using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.IO;
using Rvm.Threading;
using Rvm.Media;

namespace Rvm.Matting;

/// <summary>
/// The main job: a video (or a folder of pictures) in, composition, alpha and foreground out. Decoding,
/// inference (one recurrent chain) and composing/encoding run as three stages on their own threads with
/// bounded queues between them, so ffmpeg and the network work at the same time and memory stays flat
/// however long the video. Outputs appear only when every one of them is complete.
/// </summary>
public sealed class VideoConverter
{
    // Frames in flight between stages: enough to keep every stage busy, few enough to keep 4K in flat memory.
    internal const int QueueDepth = 2;
    // Where the model has no coefficient cut (an official ONNX file, a GPU, ratio 1), float mattes of 16 bytes a
    // pixel (133 MB at 4K) travel instead: as many as fit this budget (two at 1080p, one at 4K), at most one per
    // stage and queue slot. One is enough to overlap the stages, since the writer gives its matte back as soon as
    // the pixels are composed, before the slow writes into the encoders.
    internal const long MatteBudgetBytes = 100L << 20;

    private readonly RvmModel _model;

    public VideoConverter(RvmModel model) => _model = model;

    /// <summary>Converts a request as the engine's callers (the benchmark) give it: its named outputs replaced if Rvm made them.</summary>
    public RvmConversionResult Convert(ConversionRequest request, Action<ConversionProgress>? progress = null, CancellationToken cancel = default,
        Action<string>? verbose = null, Action<string>? warning = null) =>
        Convert(ConversionPlanner.Plan(request, _model, new OutputPolicy { Force = true, ExplicitPaths = true }, verbose: verbose), progress, cancel, verbose, warning);

    /// <summary>Runs a plan: claims its output names, converts under temporary names, and commits all outputs or none.</summary>
    internal RvmConversionResult Convert(ConversionPlan plan, Action<ConversionProgress>? progress = null, CancellationToken cancel = default,
        Action<string>? verbose = null, Action<string>? warning = null)
    {
        if (plan.Skip) throw new InvalidOperationException($"'{plan.Request.Input}' is not to be converted: {plan.SkipReason}.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // SIGTERM (schedulers, systemd, scancel) stops this conversion like Ctrl+C: temporaries go before the process does.
        using var termination = TerminationSignal.Register(stop);
        var claims = ClaimOutputs(plan);
        try { return Convert(plan, claims, progress, stop, verbose, warning); }
        finally { foreach (var claim in claims) claim.Dispose(); }
    }

    /// <summary>
    /// Output folders are made (or found unwritable) before any frame is decoded, what dead runs left there is
    /// removed, and each output name is claimed against other live runs. Under the claims, the outputs are checked
    /// again: another run may have written them since the plan was made.
    /// </summary>
    private static List<OutputClaim> ClaimOutputs(ConversionPlan plan)
    {
        var claims = new List<OutputClaim>();
        try
        {
            foreach (var folder in plan.Outputs.Select(o => Path.GetDirectoryName(Path.GetFullPath(o.Path))!).Distinct(FileSystemNames.Comparer))
            {
                try { Directory.CreateDirectory(folder); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new UnauthorizedAccessException($"The outputs cannot be written to '{folder}': {e.Message}", e);
                }
                OutputClaim.SweepStale(folder);
            }
            foreach (var output in plan.Outputs)
            {
                try { claims.Add(OutputClaim.Acquire(output.Path, output.Format.IsImageSequence)); }
                catch (UnauthorizedAccessException e)
                {
                    throw new UnauthorizedAccessException($"The outputs cannot be written to '{Path.GetDirectoryName(output.Path)}': {e.Message}", e);
                }
            }
            var recheck = ConversionPlanner.CheckExisting(plan.Request.Input, plan.Outputs, plan.Policy);
            if (recheck != null) throw new OutputConflictException(OutputConflict.Exists, $"'{plan.Request.Input}' was converted by another run meanwhile: {recheck}.");
            return claims;
        }
        catch
        {
            foreach (var claim in claims) claim.Dispose();
            throw;
        }
    }

    private RvmConversionResult Convert(ConversionPlan plan, List<OutputClaim> claims, Action<ConversionProgress>? progress, CancellationTokenSource stop,
        Action<string>? verbose, Action<string>? warning)
    {
        var request = plan.Request;
        var clock = Stopwatch.StartNew();
        var files = plan.ImageFiles;
        bool folder = files != null;
        var info = plan.InputInfo;
        var (width, height, ratio) = (plan.Width, plan.Height, plan.Ratio);
        long? total = folder ? files!.Count : info!.FrameCountEstimate;
        var hardware = request.HardwareVideo
            ? HardwareVideoChoice.For(_model.GpuId, width, height, !folder, plan.Outputs, HardwareCodecs.DecodeProblemOn, HardwareCodecs.EncodeProblemAt, verbose)
            : HardwareVideoChoice.None;

        using IFrameSource source = folder
            ? new ImageSequenceReader(files!, width, height, request.ImageSequenceFrameRate)
            : new VideoFrameReader(request.Input, width, height, planar: true, cancel: stop.Token, gpuDecode: hardware.Decode,
                tolerance: request.ErrorTolerance, warning: warning, gpuDevice: hardware.Device);
        var job = new Job(this, plan, claims, source, width, height, ratio, total, progress, stop, clock, hardware);
        verbose?.Invoke(job.Describe());
        var frames = job.Run();
        if ((source as VideoFrameReader)?.SoftwareDecodeReason is string software)
            verbose?.Invoke($"NVDEC could not decode '{request.Input}' ({software}); ffmpeg decoded it on the CPU.");

        var result = new RvmConversionResult
        {
            Input = request.Input,
            CompositionPath = request.CompositionPath,
            AlphaPath = request.AlphaPath,
            ForegroundPath = request.ForegroundPath,
            FrameCount = frames,
            DamagedFrames = (source as VideoFrameReader)?.DamagedFrames ?? 0,
            Width = width,
            Height = height,
            FrameRate = folder ? request.ImageSequenceFrameRate.ToString() : (info!.FrameRate.IsValid ? info.FrameRate : info.AverageFrameRate).ToString(),
            Duration = info?.Duration ?? TimeSpan.FromSeconds(frames / request.ImageSequenceFrameRate.Value),
            Elapsed = clock.Elapsed,
            Device = _model.Device,
            DownsampleRatio = ratio,
        };
        result.FramesPerSecond = result.Elapsed.TotalSeconds > 0 ? frames / result.Elapsed.TotalSeconds : 0;
        return result;
    }

    /// <summary>A frame leaving the network: its full-size matte, or (coefficient cut) its bytes and coefficients.</summary>
    private readonly struct Matted
    {
        public Matted(long pts, MatteBuffer? matte, byte[]? pixels, CoefficientFrame? coefficients)
        {
            Pts = pts;
            Matte = matte;
            Pixels = pixels;
            Coefficients = coefficients;
        }

        public long Pts { get; }
        public MatteBuffer? Matte { get; }
        public byte[]? Pixels { get; }
        public CoefficientFrame? Coefficients { get; }
    }

    /// <summary>One conversion's stages and the state they share.</summary>
    private sealed class Job
    {
        private readonly VideoConverter _owner;
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
        private readonly BlockingCollection<Matted> _matted = new BlockingCollection<Matted>(QueueDepth);
        private readonly MattingSession _session;
        private readonly List<IDisposable> _buffers = new List<IDisposable>();
        private Exception? _failure;
        // NUT timestamps cannot be negative; an input that starts below zero is shifted, and only the NUT sees it.
        private long _ptsShift;
        private readonly HardwareVideoChoice _hardware;

        public Job(VideoConverter owner, ConversionPlan plan, IReadOnlyList<OutputClaim> claims, IFrameSource source, int width, int height, float ratio,
            long? total, Action<ConversionProgress>? progress, CancellationTokenSource stop, Stopwatch clock, HardwareVideoChoice hardware)
        {
            _hardware = hardware;
            _owner = owner;
            _plan = plan;
            _request = plan.Request;
            _claims = claims;
            _source = source;
            _info = plan.InputInfo;
            _width = width;
            _height = height;
            _ratio = ratio;
            _total = total;
            _progress = progress;
            _stop = stop;
            _clock = clock;
            _session = new MattingSession(owner._model, width, height, ratio);
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
            : $"The network runs the whole graph at {_width}x{_height} (ratio {_ratio}) on {_owner._model.Device}.";

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
                        _matted.Add(new Matted(pts, null, pixels, coefficients), token);
                        continue;
                    }
                    var matte = _freeMattes.Take(token);
                    _session.LoadPlanarGbr(pixels);
                    _freeFrames.Add(pixels);
                    _session.Run(matte, token);
                    _matted.Add(new Matted(pts, matte, null, null), token);
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
            if (background.Kind != BackgroundKind.Image && background.Kind != BackgroundKind.Video) return (null, null);
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
                    : kind == OutputKind.Composition && _request.Background.Kind == BackgroundKind.Transparent ? FramePixels.Rgba
                    : FramePixels.Rgb;
                writers.Add((new VideoFileWriter(_claims[i].FinalPath, _claims[i].TempPath, _plan.Outputs[i].Tag, format, pixels, _width, _height, timeBase, offset < TimeSpan.Zero ? TimeSpan.Zero : offset,
                    _info, _request.VideoBitrateMbps, _request.Quality, _total, token, _hardware.Nvenc, _hardware.Device), kind));
            }
        }
    }
}

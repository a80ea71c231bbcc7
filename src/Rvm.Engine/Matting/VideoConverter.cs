using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Rvm.Inference;
using Rvm.IO;
using Rvm.Threading;
using Rvm.Media;
using Rvm.Segments;

namespace Rvm.Matting;

/// <summary>
/// The main job: a video (or a folder of pictures) in, composition, alpha and foreground out. Decoding,
/// inference (one recurrent chain) and composing/encoding run as three stages on their own threads with
/// bounded queues between them, so ffmpeg and the network work at the same time and memory stays flat
/// however long the video. Outputs appear only when every one of them is complete.
/// </summary>
internal sealed class VideoConverter
{
    private readonly RvmModel _model;

    public VideoConverter(RvmModel model) => _model = model;

    /// <summary>Converts a request as the engine's callers (the benchmark) give it: its named outputs replaced if Rvm made them.</summary>
    public RvmConversionResult Convert(ConversionRequest request, Action<ConversionProgress>? progress = null, CancellationToken cancel = default,
        Action<string>? verbose = null, Action<string>? warning = null) =>
        Convert(ConversionPlanner.Plan(request, _model, new OutputPolicy { Force = true, ExplicitPaths = true, StartOver = true }, verbose: verbose), progress, cancel, verbose, warning);

    /// <summary>Runs a plan: claims its output names, converts under temporary names, and commits all outputs or none.</summary>
    internal RvmConversionResult Convert(ConversionPlan plan, Action<ConversionProgress>? progress = null, CancellationToken cancel = default,
        Action<string>? verbose = null, Action<string>? warning = null)
    {
        if (plan.Skip) throw new InvalidOperationException($"'{plan.Request.Input}' is not to be converted: {plan.SkipReason}.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // SIGTERM (schedulers, systemd, scancel) stops this conversion like Ctrl+C: temporaries go before the process does.
        using var termination = TerminationSignal.Process.Register(stop);
        var claims = ClaimOutputs(plan);
        try { return Convert(plan, claims, progress, stop, verbose, warning); }
        finally { foreach (var claim in claims) claim.Dispose(); }
    }

    /// <summary>
    /// Converts one part of a plan in parts into its work folder, as a batch task does (the join, another task, makes
    /// the outputs). Nothing is claimed but the part itself; the work folder stays for the join, whatever happens.
    /// </summary>
    internal RvmConversionResult ConvertPart(ConversionPlan plan, int part, Action<ConversionProgress>? progress = null, CancellationToken cancel = default,
        Action<string>? verbose = null, Action<string>? warning = null)
    {
        if (plan.Skip) throw new InvalidOperationException($"'{plan.Request.Input}' is not to be converted: {plan.SkipReason}.");
        var segments = plan.Segmenting;
        if (segments == null || part < 0 || part >= segments.Parts.Count)
            throw new ArgumentOutOfRangeException(nameof(part), $"'{plan.Request.Input}' is not converted in parts, or has no part {part}.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var termination = TerminationSignal.Process.Register(stop);
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(Path.GetDirectoryName(segments.WorkFolder)!);
        var work = WorkFolder.Open(segments.WorkFolder, segments.Fingerprint, segments.Description, segments.Parts.Count, plan.Outputs.Count, startOver: false, verbose);
        var resumed = work.Checkpoint(part);
        long resumedAt = resumed?.FramesDone ?? 0;
        if (resumed?.Finished == true) verbose?.Invoke($"Part {part} of '{plan.Request.Input}' is done already ({resumedAt} frames in '{work.Path}').");
        else
        {
            if (resumedAt > 0) verbose?.Invoke($"Part {part} of '{plan.Request.Input}' resumes at its frame {resumedAt}, from the checkpoint in '{work.Path}'.");
            RunPart(_model, plan, segments, work, segments.Parts[part], new List<OutputClaim>(), HardwareFor(plan, verbose), p => progress?.Invoke(p), stop, clock, warning);
        }
        var result = Result(plan, work.Checkpoint(part)!.FramesDone, 0, clock, resumedAt);
        result.CompositionPath = result.AlphaPath = result.ForegroundPath = null;
        return result;
    }

    /// <summary>What -HardwareVideo gets for this plan: NVDEC for a video input, NVENC where it takes the outputs; nothing without the switch.</summary>
    private HardwareVideoChoice HardwareFor(ConversionPlan plan, Action<string>? verbose) => plan.Request.HardwareVideo
        ? HardwareVideoChoice.For(_model.GpuId, plan.Width, plan.Height, plan.ImageFiles == null, plan.Outputs, HardwareCodecs.DecodeProblemOn, HardwareCodecs.EncodeProblemAt, verbose)
        : HardwareVideoChoice.None;

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
        if (plan.Segmenting != null) return ConvertInParts(plan, plan.Segmenting, claims, progress, stop, verbose, warning);
        var request = plan.Request;
        var clock = Stopwatch.StartNew();
        var files = plan.ImageFiles;
        bool folder = files != null;
        var info = plan.InputInfo;
        var (width, height, ratio) = (plan.Width, plan.Height, plan.Ratio);
        var hardware = HardwareFor(plan, verbose);

        using IFrameSource source = folder
            ? new ImageSequenceReader(files!, width, height, request.ImageSequenceFrameRate)
            : new VideoFrameReader(request.Input, width, height, planar: true, cancel: stop.Token, gpuDecode: hardware.Decode,
                tolerance: request.ErrorTolerance, warning: warning, gpuDevice: hardware.Device);
        var job = new ConversionJob(_model, plan, claims, source, progress, stop, clock, hardware);
        verbose?.Invoke(job.Describe());
        var frames = job.Run();
        if ((source as VideoFrameReader)?.SoftwareDecodeReason is string software)
            verbose?.Invoke($"NVDEC could not decode '{request.Input}' ({software}); ffmpeg decoded it on the CPU.");

        return Result(plan, frames, (source as VideoFrameReader)?.DamagedFrames ?? 0, clock);
    }

    private RvmConversionResult Result(ConversionPlan plan, long frames, long damaged, Stopwatch clock, long resumedAt = 0)
    {
        var request = plan.Request;
        var info = plan.InputInfo;
        var result = new RvmConversionResult
        {
            Input = request.Input,
            CompositionPath = request.CompositionPath,
            AlphaPath = request.AlphaPath,
            ForegroundPath = request.ForegroundPath,
            FrameCount = frames,
            DamagedFrames = damaged,
            Width = plan.Width,
            Height = plan.Height,
            FrameRate = info == null ? request.ImageSequenceFrameRate.ToString() : (info.FrameRate.IsValid ? info.FrameRate : info.AverageFrameRate).ToString(),
            Duration = info?.Duration ?? TimeSpan.FromSeconds(frames / request.ImageSequenceFrameRate.Value),
            Elapsed = clock.Elapsed,
            Device = _model.Device,
            DownsampleRatio = plan.Ratio,
            ResumedAtFrame = resumedAt,
            Segments = plan.Segmenting?.Parts.Count ?? 1,
        };
        // The speed of this run: frames done before a resume are not counted as done in its time.
        result.FramesPerSecond = result.Elapsed.TotalSeconds > 0 ? (frames - resumedAt) / result.Elapsed.TotalSeconds : 0;
        return result;
    }

    /// <summary>
    /// A video in chunks with checkpoints, as one part or as several converted at once: what an earlier run of the
    /// same plan finished is kept, each part goes on from its checkpoint, and the chunks are joined into the outputs,
    /// which are committed all together. The work folder survives a stop (Ctrl+C, SIGTERM, SIGKILL) and a failed
    /// write (a full disk), to be resumed; after the commit, or a failure of the input itself, it is removed.
    /// </summary>
    private RvmConversionResult ConvertInParts(ConversionPlan plan, SegmentPlan segments, List<OutputClaim> claims, Action<ConversionProgress>? progress,
        CancellationTokenSource stop, Action<string>? verbose, Action<string>? warning)
    {
        var clock = Stopwatch.StartNew();
        var request = plan.Request;
        var work = WorkFolder.Open(segments.WorkFolder, segments.Fingerprint, segments.Description, segments.Parts.Count, plan.Outputs.Count,
            plan.Policy.StartOver, verbose);
        bool keep = false;
        try
        {
            var resumed = segments.Parts.Select(p => work.Checkpoint(p.Index)?.FramesDone ?? 0).ToArray();
            long resumedAt = resumed.Sum();
            if (resumedAt > 0)
                verbose?.Invoke(segments.Parts.Count == 1
                    ? $"'{request.Input}' resumes at frame {resumedAt}, from the checkpoint in '{work.Path}'."
                    : $"'{request.Input}' resumes its {segments.Parts.Count} segments with {resumedAt} frames done ({string.Join(", ", resumed)}), from the checkpoints in '{work.Path}'.");
            var hardware = HardwareFor(plan, verbose);
            var done = (long[])resumed.Clone();
            var gate = new object();
            void PartProgress(int part, ConversionProgress p)
            {
                if (progress == null) return;
                ConversionProgress total;
                lock (gate)
                {
                    done[part] = p.FramesDone;
                    total = new ConversionProgress(request.Input, done.Sum(), plan.InputInfo!.FrameCountEstimate, clock.Elapsed);
                }
                progress(total);
            }
            long damaged = RunParts(plan, segments, work, claims, hardware, PartProgress, stop, clock, verbose, warning);

            var checkpoints = segments.Parts.Select(p => work.Checkpoint(p.Index)!).ToList();
            SegmentJoiner.Join(plan, work, checkpoints, claims, stop.Token);
            OutputCommit.CommitAll(claims);
            long frames = checkpoints.Sum(c => c.FramesDone);
            progress?.Invoke(new ConversionProgress(request.Input, frames, frames, clock.Elapsed));
            return Result(plan, frames, damaged, clock, resumedAt);
        }
        catch (OperationCanceledException)
        {
            // Stopped: what is done stays, to go on from when the same conversion runs again.
            keep = true;
            throw;
        }
        catch (IOException)
        {
            // A write failed (a full disk): the same; the error says so (ConversionJob, SegmentJoiner).
            keep = true;
            throw;
        }
        finally
        {
            if (!keep) work.Delete();
        }
    }

    /// <summary>
    /// Runs the parts that are not finished: one on this thread, several at once on threads of their own, the CPU's
    /// threads divided among them. The first failure stops the others. Returns the damaged frames counted.
    /// </summary>
    private long RunParts(ConversionPlan plan, SegmentPlan segments, WorkFolder work, List<OutputClaim> claims, HardwareVideoChoice hardware,
        Action<int, ConversionProgress> progress, CancellationTokenSource stop, Stopwatch clock, Action<string>? verbose, Action<string>? warning)
    {
        var pending = segments.Parts.Where(p => work.Checkpoint(p.Index)?.Finished != true).ToList();
        long damaged = 0;
        bool divide = pending.Count > 1 && _model.Device.StartsWith("CPU", StringComparison.Ordinal);
        int threads = divide ? Math.Max(1, _model.ThreadCount / pending.Count) : _model.ThreadCount;
        if (divide) verbose?.Invoke($"{pending.Count} segments of '{plan.Request.Input}' run at once, {threads} CPU thread(s) each, with {segments.PreRollFrames} frames of pre-roll.");
        Exception? failure = null;
        var runners = pending.Select(range => new Thread(() =>
        {
            try
            {
                using var model = divide ? _model.WithThreadCount(threads) : null;
                long partDamaged = RunPart(model ?? _model, plan, segments, work, range, claims, hardware, p => progress(range.Index, p), stop, clock, warning);
                Interlocked.Add(ref damaged, partDamaged);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                stop.Cancel();
            }
        }) { IsBackground = true, Name = $"Rvm segment {range.Index}" }).ToList();
        foreach (var runner in runners) runner.Start();
        foreach (var runner in runners) runner.Join();
        if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return damaged;
    }

    private static long RunPart(RvmModel model, ConversionPlan plan, SegmentPlan segments, WorkFolder work, PartRange range, List<OutputClaim> claims,
        HardwareVideoChoice hardware, Action<ConversionProgress> progress, CancellationTokenSource stop, Stopwatch clock, Action<string>? warning)
    {
        var request = plan.Request;
        using var held = work.LockPart(range.Index);
        work.RemoveUnlisted(range.Index);
        var part = new PartRun(work, segments, range, work.Checkpoint(range.Index), plan.InputInfo!.StartSeconds);
        using var source = new VideoFrameReader(request.Input, plan.Width, plan.Height, planar: true, cancel: stop.Token, gpuDecode: hardware.Decode,
            tolerance: request.ErrorTolerance, warning: warning, gpuDevice: hardware.Device, absoluteTimestamps: true, seekSeconds: part.SeekSeconds);
        new ConversionJob(model, plan, claims, source, progress, stop, clock, hardware, part).Run();
        return source.DamagedFrames;
    }
}

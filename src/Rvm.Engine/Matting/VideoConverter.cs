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
        Convert(ConversionPlanner.Plan(request, _model, new OutputPolicy { Force = true, ExplicitPaths = true }, verbose: verbose), progress, cancel, verbose, warning);

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
        var hardware = request.HardwareVideo
            ? HardwareVideoChoice.For(_model.GpuId, width, height, !folder, plan.Outputs, HardwareCodecs.DecodeProblemOn, HardwareCodecs.EncodeProblemAt, verbose)
            : HardwareVideoChoice.None;

        using IFrameSource source = folder
            ? new ImageSequenceReader(files!, width, height, request.ImageSequenceFrameRate)
            : new VideoFrameReader(request.Input, width, height, planar: true, cancel: stop.Token, gpuDecode: hardware.Decode,
                tolerance: request.ErrorTolerance, warning: warning, gpuDevice: hardware.Device);
        var job = new ConversionJob(_model, plan, claims, source, progress, stop, clock, hardware);
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
}

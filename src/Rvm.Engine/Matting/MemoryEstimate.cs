using System;
using Rvm.Inference;

namespace Rvm.Matting;

/// <summary>
/// The peak resident memory one conversion needs, this process and its ffmpeg processes together, worked out from
/// the frame size, the ratio and the outputs before anything is decoded. The parts follow the converter's fixed
/// pools; the per-pixel costs of ONNX Runtime and ffmpeg are measured (see the constants).
/// </summary>
internal sealed class MemoryEstimate
{
    // Measured on this project's machine (Linux x64, CPU, ONNX Runtime 1.31, the default model), a composition and an
    // alpha .mp4 out: peak RSS of the pwsh process (VmHWM), and of pwsh with its ffmpeg processes (sampled every 100 ms),
    // against this estimate (MB here are MiB):
    //   1280x720,  ratio 0.4 (cut):   pwsh 381 MB, with ffmpeg   630 MB; estimate   621 MB
    //   1920x1080, ratio 0.27 (cut):  pwsh 393 MB, with ffmpeg   695 MB; estimate   714 MB
    //   1920x1080, ratio 1 (whole):   pwsh 1,505 MB, with ffmpeg 1,851 MB; estimate 1,980 MB
    //   3840x2160, ratio 0.13 (cut):  pwsh 536 MB, with ffmpeg 1,226 MB; estimate 1,219 MB
    //   3840x2160, ratio 0.5 (cut):   pwsh 1,846 MB, with ffmpeg 2,578 MB; estimate 2,413 MB
    //   3840x2160, ratio 1 (whole):   pwsh 5,552 MB, with ffmpeg 6,092 MB; estimate 6,301 MB
    //   7680x4320, ratio 0.07 (cut), a 4-frame clip: with ffmpeg 2,506 MB; estimate 3,236 MB (a long clip fills all
    //   7 frame buffers; ffmpeg's share grows more slowly than 20 bytes a pixel at 8K).
    /// <summary>pwsh, the module, ONNX Runtime and the model's weights, before any frame.</summary>
    internal const long ProcessBaseBytes = 260L << 20;
    /// <summary>ONNX Runtime's tensors per pixel of the network's input, on the CPU.</summary>
    internal const long NetworkBytesPerPixel = 650;
    /// <summary>The whole graph below ratio 1: its full-size tensors (frame, guided filter, fgr and pha) per frame pixel.</summary>
    internal const long FullSizeGraphBytesPerPixel = 70;
    /// <summary>One ffmpeg process (decoder or encoder), before its frames.</summary>
    internal const long FfmpegBaseBytes = 65L << 20;
    /// <summary>One ffmpeg process's frames (x264's lookahead and references, the decoder's pool) per frame pixel.</summary>
    internal const long FfmpegBytesPerPixel = 20;

    private MemoryEstimate(long frames, long network, long ffmpeg)
    {
        FrameBytes = frames;
        NetworkBytes = network;
        FfmpegBytes = ffmpeg;
    }

    /// <summary>This process's frame, matte and output buffers.</summary>
    public long FrameBytes { get; }
    /// <summary>ONNX Runtime's tensors (none in host memory when the network runs on a GPU).</summary>
    public long NetworkBytes { get; }
    /// <summary>The decoder and encoder processes.</summary>
    public long FfmpegBytes { get; }
    public long TotalBytes => ProcessBaseBytes + FrameBytes + NetworkBytes + FfmpegBytes;

    /// <summary>This estimate for <paramref name="pipelines"/> conversions at once.</summary>
    public MemoryEstimate Times(int pipelines) => pipelines == 1 ? this : new MemoryEstimate(FrameBytes * pipelines, NetworkBytes * pipelines, FfmpegBytes * pipelines);

    /// <summary>
    /// The estimate for a conversion at <paramref name="width"/> x <paramref name="height"/>: whether the coefficient
    /// cut runs (CPU, converted model, ratio below 1), whether the network runs on the CPU, how many outputs are encoded,
    /// which of them (composition, transparent, alpha, foreground), whether a background picture or video is read,
    /// and the matte controls.
    /// </summary>
    public static MemoryEstimate For(int width, int height, float ratio, bool coefficientCut, bool networkOnCpu, bool composition,
        bool transparent, bool alpha, bool foreground, BackgroundKind background, MatteControls? matte = null)
    {
        long pixels = (long)width * height;
        long networkPixels = ratio >= 1f ? pixels : (long)Imaging.Bilinear.ScaledSize(width, ratio) * Imaging.Bilinear.ScaledSize(height, ratio);
        long frame = 3 * pixels;
        long frames;
        bool blur = composition && background == BackgroundKind.Blur;
        // -Background Blur: the coefficient cut makes the whole frame's alpha first (4 bytes a pixel); a full-size
        // matte keeps its input frame with it until composed. The blur's own buffers are a small frame's.
        if (coefficientCut) frames = (2 * ConversionJob.QueueDepth + 3) * frame + (blur ? 4 * pixels : 0);
        else
        {
            long floatMatte = 16 * pixels;
            long mattes = Math.Max(1, Math.Min(ConversionJob.QueueDepth + 2, ConversionJob.MatteBudgetBytes / floatMatte));
            frames = (ConversionJob.QueueDepth + 1 + (blur ? mattes : 0)) * frame + mattes * floatMatte;
        }
        // The composer's output planes, and the background picture scaled to the frame.
        frames += pixels * ((composition ? (transparent ? 4 : 3) : 0) + (alpha ? 1 : 0) + (foreground ? 3 : 0));
        bool backgroundFile = background == BackgroundKind.Image || background == BackgroundKind.Video;
        if (backgroundFile) frames += frame;
        // Matte controls (MatteAdjuster): the whole frame's alpha, a grow's table of the rows extended by its radius,
        // and the previous alpha for smoothing; a feather's line buffers are small.
        if (matte != null && !matte.IsDefault)
        {
            frames += 4 * pixels;
            if (matte.Grow != 0) frames += 4L * width * (height + 2 * Math.Abs(matte.Grow));
            if (matte.TemporalSmoothing > 0f) frames += 4 * pixels;
        }

        long network = 0;
        if (networkOnCpu)
        {
            network = NetworkBytesPerPixel * networkPixels;
            if (!coefficientCut && ratio < 1f) network += FullSizeGraphBytesPerPixel * pixels;
        }

        int processes = 1 + (composition ? 1 : 0) + (alpha ? 1 : 0) + (foreground ? 1 : 0) + (background == BackgroundKind.Video ? 1 : 0);
        long ffmpeg = processes * (FfmpegBaseBytes + FfmpegBytesPerPixel * pixels);
        return new MemoryEstimate(frames, network, ffmpeg);
    }

    public override string ToString() => Format(TotalBytes);

    /// <summary>Bytes as a short figure: 512 MB, 5.4 GB.</summary>
    public static string Format(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GB"
        : (bytes >> 20).ToString(System.Globalization.CultureInfo.InvariantCulture) + " MB";
}

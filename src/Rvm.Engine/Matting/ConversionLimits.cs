using System;
using System.Collections.Generic;
using System.Globalization;
using Rvm.Diagnostics;
using Rvm.Inference;

namespace Rvm.Matting;

/// <summary>
/// The size guard, checked once the conversion's frame size and ratio are known and before anything is decoded: a
/// frame ffmpeg cannot hold, or a conversion whose estimated memory is over the limit, is refused with what to change.
/// </summary>
internal static class ConversionLimits
{
    /// <summary>Throws <see cref="ConversionLimitException"/> when the conversion cannot or may not run at this size.</summary>
    public static void Check(ConversionRequest request, RvmModel model, int width, int height, float ratio, Action<string>? verbose = null)
    {
        bool resized = request.ResizeWidth > 0 && request.ResizeHeight > 0;
        if (!FfmpegCanHold(width, height))
        {
            var (w, h) = LargestFitting(width, height, (x, y) => FfmpegCanHold(x, y));
            throw new ConversionLimitException(
                $"'{request.Input}': a {width}x{height} frame is larger than ffmpeg can hold ((8 x width + 1024) x (height + 128) must stay below 2^31, " +
                $"about 16200x16200 for a square frame). {(resized ? "Give a smaller -InputResize" : "Scale it down with -InputResize")}, e.g. -InputResize {w},{h}.");
        }

        int lowWidth = Imaging.Bilinear.ScaledSize(width, ratio), lowHeight = Imaging.Bilinear.ScaledSize(height, ratio);
        if (Math.Min(lowWidth, lowHeight) < MinimumNetworkSide)
            throw new ConversionLimitException(
                $"'{request.Input}': at ratio {ratio.ToString("0.###", CultureInfo.InvariantCulture)} the network would see the {width}x{height} frame as {lowWidth}x{lowHeight}, " +
                $"and it needs at least {MinimumNetworkSide}x{MinimumNetworkSide}: give -DownsampleRatio {SmallestRatio(Math.Min(width, height))} or more.");

        long? limit = request.MaxMemoryBytes ?? MachineMemory.DefaultLimitBytes;
        if (limit == null) return;
        var estimate = Estimate(request, model, width, height, ratio);
        verbose?.Invoke($"'{request.Input}' needs about {estimate} at its peak, this process and ffmpeg together (limit {MemoryEstimate.Format(limit.Value)}).");
        if (estimate.TotalBytes <= limit.Value) return;

        long max = limit.Value;
        var advice = new List<string>();
        float auto = DownsampleRatio.Auto(width, height);
        if (ratio > auto && Estimate(request, model, width, height, auto).TotalBytes <= max)
            advice.Add($"-DownsampleRatio {auto.ToString("0.###", CultureInfo.InvariantCulture)} (RVM's default at this size) or lower");
        var (fitW, fitH) = LargestFitting(width, height,
            (x, y) => Estimate(request, model, x, y, request.DownsampleRatio ?? DownsampleRatio.Auto(x, y)).TotalBytes <= max);
        if (fitW > 0) advice.Add($"-InputResize {fitW},{fitH}");
        advice.Add("a larger -MaxMemory");
        var source = request.MaxMemoryBytes.HasValue
            ? "-MaxMemory"
            : $"by default half of this machine's {MemoryEstimate.Format(MachineMemory.TotalBytes ?? 0)}";
        throw new ConversionLimitException(
            $"'{request.Input}' at {width}x{height}, ratio {ratio.ToString("0.###", CultureInfo.InvariantCulture)}: the conversion would need about {estimate} " +
            $"(frames {MemoryEstimate.Format(estimate.FrameBytes)}, network {MemoryEstimate.Format(estimate.NetworkBytes)}, ffmpeg {MemoryEstimate.Format(estimate.FfmpegBytes)}), " +
            $"over the limit of {MemoryEstimate.Format(max)} ({source}). Give {string.Join(", or ", advice)}.");
    }

    /// <summary>The network's shortest side: at 2 pixels (3x2) ONNX Runtime fails in a convolution ("Invalid input shape: {1,1}"); 3x3 runs.</summary>
    internal const int MinimumNetworkSide = 3;

    /// <summary>The smallest ratio, in thousandths, at which a side of this length gives the network its minimum.</summary>
    internal static string SmallestRatio(int side)
    {
        for (int thousandths = 1; thousandths < 1000; thousandths++)
            if (Imaging.Bilinear.ScaledSize(side, thousandths / 1000f) >= MinimumNetworkSide)
                return (thousandths / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        return "1";
    }

    /// <summary>libavutil's picture size check (av_image_check_size): a line of 8 bytes a pixel plus padding, times the padded height.</summary>
    internal static bool FfmpegCanHold(int width, int height) => (8L * width + 1024) * (height + 128L) < int.MaxValue;

    internal static MemoryEstimate Estimate(ConversionRequest request, RvmModel model, int width, int height, float ratio)
    {
        bool cpu = model.Device.StartsWith("CPU", StringComparison.Ordinal);
        // As MattingSession decides: the coefficient cut runs on the CPU below ratio 1 when the model has one.
        bool cut = cpu && ratio < 1f && model.CoefficientSession != null;
        // -Segments runs that many pipelines at once, each with its decoder, encoders and network session.
        return MemoryEstimate.For(width, height, ratio, cut, cpu, request.CompositionPath != null,
            request.Background.IsTransparent, request.AlphaPath != null, request.ForegroundPath != null, request.Background.Kind, request.Matte).Times(Math.Max(1, request.Segments));
    }

    /// <summary>The largest even size of the same shape, in steps of 1/64 of the original, that passes; (0, 0) when none does.</summary>
    internal static (int Width, int Height) LargestFitting(int width, int height, Func<int, int, bool> fits)
    {
        for (int step = 63; step >= 1; step--)
        {
            int w = Math.Max(2, width * step / 64 & ~1), h = Math.Max(2, height * step / 64 & ~1);
            if (fits(w, h)) return (w, h);
        }
        return (0, 0);
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;

namespace Rvm.Media;

/// <summary>
/// Whether this machine's ffmpeg can decode on an NVIDIA GPU (-hwaccel cuda) and encode H.264 with NVENC, asked
/// with tiny ffmpeg runs: decoding once per GPU, encoding once per GPU and output size (NVENC's limits depend on
/// the size and the card). Where either fails, conversions use the CPU codecs instead and say why.
/// </summary>
internal static class HardwareCodecs
{
    /// <summary>H.264 NVENC's largest picture side on every NVIDIA generation so far; larger outputs go to x264.</summary>
    public const int NvencH264MaxSide = 4096;

    private static readonly ConcurrentDictionary<int, Lazy<string?>> DecodeProblems = new ConcurrentDictionary<int, Lazy<string?>>();
    private static readonly ConcurrentDictionary<(int, int, int), Lazy<string?>> EncodeProblems = new ConcurrentDictionary<(int, int, int), Lazy<string?>>();

    public static bool CudaDecode => DecodeProblem == null;
    public static bool NvencEncode => EncodeProblem == null;
    /// <summary>Why the first GPU cannot decode (ffmpeg's own words), or null when it can.</summary>
    public static string? DecodeProblem => DecodeProblemOn(0);
    /// <summary>Why the first GPU cannot encode a small H.264 video, or null when it can.</summary>
    public static string? EncodeProblem => EncodeProblemAt(256, 256, 0);

    /// <summary>Why GPU <paramref name="device"/> cannot decode, or null when it can.</summary>
    internal static string? DecodeProblemOn(int device) =>
        DecodeProblems.GetOrAdd(device, d => new Lazy<string?>(() => Try(DecodeProbeArguments(d)))).Value;

    /// <summary>Why GPU <paramref name="device"/> cannot encode a <paramref name="width"/>x<paramref name="height"/> H.264 output, or null when it can.</summary>
    internal static string? EncodeProblemAt(int width, int height, int device)
    {
        if (width > NvencH264MaxSide || height > NvencH264MaxSide)
            return $"H.264 NVENC encodes at most {NvencH264MaxSide} pixels a side, and the output is {width}x{height}";
        return EncodeProblems.GetOrAdd((Even(width), Even(height), device), key => new Lazy<string?>(() => Try(EncodeProbeArguments(key.Item1, key.Item2, key.Item3)))).Value;
    }

    /// <summary>ffmpeg's input options that decode on GPU <paramref name="device"/>.</summary>
    internal static string[] DecodeArguments(int device) => new[] { "-hwaccel", "cuda", "-hwaccel_device", Text(device) };

    /// <summary>h264_nvenc's option that picks the GPU.</summary>
    internal static string[] EncodeDeviceArguments(int device) => new[] { "-gpu", Text(device) };

    internal static string[] DecodeProbeArguments(int device) =>
        new[] { "-init_hw_device", $"cuda=gpu:{Text(device)}", "-f", "lavfi", "-i", "nullsrc=s=64x64", "-frames:v", "1", "-f", "null", "-" };

    /// <summary>One tenth of a second at the output's size (padded to even, as the output is).</summary>
    internal static string[] EncodeProbeArguments(int width, int height, int device) =>
        new[] { "-f", "lavfi", "-i", $"color=s={Text(Even(width))}x{Text(Even(height))}:d=0.1", "-c:v", "h264_nvenc", "-gpu", Text(device), "-f", "null", "-" };

    private static int Even(int size) => size + (size & 1);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Try(IEnumerable<string> arguments)
    {
        var all = new List<string> { "-hide_banner", "-nostdin", "-v", "error" };
        all.AddRange(arguments);
        try
        {
            using var ffmpeg = new FfmpegProcess("ffmpeg", all, redirectInput: false, redirectOutput: false);
            return ffmpeg.WaitForExit() == 0 ? null : ffmpeg.ErrorTail(2);
        }
        catch (Exception e) when (e is System.IO.IOException || e is System.ComponentModel.Win32Exception || e is FfmpegNotFoundException)
        {
            return e.Message;
        }
    }
}

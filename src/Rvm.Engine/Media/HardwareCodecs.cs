using System;
using System.Collections.Generic;

namespace Rvm.Media;

/// <summary>
/// Whether this machine's ffmpeg can decode on an NVIDIA GPU (-hwaccel cuda) and encode H.264 with NVENC.
/// Asked once per process with two tiny ffmpeg runs; where either fails, conversions use the CPU codecs
/// instead and say why, rather than failing.
/// </summary>
public static class HardwareCodecs
{
    private static readonly Lazy<(bool Ok, string Reason)> Decode = new Lazy<(bool, string)>(() =>
        Try(new[] { "-init_hw_device", "cuda=gpu", "-f", "lavfi", "-i", "nullsrc=s=64x64", "-frames:v", "1", "-f", "null", "-" }));

    private static readonly Lazy<(bool Ok, string Reason)> Encode = new Lazy<(bool, string)>(() =>
        Try(new[] { "-f", "lavfi", "-i", "color=s=256x256:d=0.1", "-c:v", "h264_nvenc", "-f", "null", "-" }));

    public static bool CudaDecode => Decode.Value.Ok;
    public static bool NvencEncode => Encode.Value.Ok;
    /// <summary>Why the GPU codecs cannot be used here (ffmpeg's own words), or null when they can.</summary>
    public static string? DecodeProblem => Decode.Value.Ok ? null : Decode.Value.Reason;
    public static string? EncodeProblem => Encode.Value.Ok ? null : Encode.Value.Reason;

    private static (bool, string) Try(IEnumerable<string> arguments)
    {
        var all = new List<string> { "-hide_banner", "-nostdin", "-v", "error" };
        all.AddRange(arguments);
        try
        {
            using var ffmpeg = new FfmpegProcess("ffmpeg", all, redirectInput: false, redirectOutput: false);
            return ffmpeg.WaitForExit() == 0 ? (true, "") : (false, ffmpeg.ErrorTail(2));
        }
        catch (Exception e) when (e is System.IO.IOException || e is System.ComponentModel.Win32Exception || e is FfmpegNotFoundException)
        {
            return (false, e.Message);
        }
    }
}

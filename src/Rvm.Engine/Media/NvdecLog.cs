using System;

namespace Rvm.Media;

/// <summary>
/// ffmpeg's error-level lines that mean NVDEC cannot take this stream (a codec, profile, size or bit depth the card
/// lacks), after which ffmpeg decodes it in software: they say nothing about the file, so the reader must not call
/// the file damaged for them. The texts are libavcodec's (nvdec.c and the decoders' hwaccel setup).
/// </summary>
internal static class NvdecLog
{
    private static readonly string[] CapabilityFailures =
    {
        "Hardware is lacking required capabilities",
        "hwaccel initialisation returned error",
        "Failed setup for format cuda",
        "not within range from",                       // "Video width 8192 not within range from 48 to 4096"
        "doesn't support hardware accelerated",         // "Your platform doesn't support hardware accelerated AV1 decoding."
    };

    /// <summary>True for a line that reports NVDEC giving up on the stream, not damage in it.</summary>
    public static bool IsCapabilityFailure(string line)
    {
        foreach (var text in CapabilityFailures)
            if (line.IndexOf(text, StringComparison.Ordinal) >= 0) return true;
        return false;
    }
}

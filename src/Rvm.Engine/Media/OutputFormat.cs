using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Rvm.Media;

/// <summary>What a frame sink receives: colour (planes G, B, R), colour with straight alpha (G, B, R, A), or the matte alone.</summary>
internal enum FramePixels
{
    Rgb,
    Rgba,
    Gray,
}

/// <summary>
/// How each output container is written. The codec follows the extension: .mp4 H.264, .mov ProRes,
/// .webm VP9, .mkv FFV1 (lossless); a PNG sequence is lossless too. Only .mov (ProRes 4444), .webm
/// (VP9 yuva420p), .mkv (FFV1) and PNG carry transparency.
/// </summary>
internal sealed class OutputFormat
{
    private OutputFormat(string name, string muxer, bool alpha, Func<string?, bool> copiesAudio, string[] audioCodec)
    {
        Name = name;
        Muxer = muxer;
        SupportsAlpha = alpha;
        _copiesAudio = copiesAudio;
        _audioCodec = audioCodec;
    }

    private readonly Func<string?, bool> _copiesAudio;
    private readonly string[] _audioCodec;

    public string Name { get; }
    public string Muxer { get; }
    public bool SupportsAlpha { get; }
    public bool IsImageSequence => Muxer == "image2";
    public bool CarriesAudio => !IsImageSequence;

    public static readonly OutputFormat Mp4 = new OutputFormat("mp4", "mp4", false,
        c => c is "aac" or "mp3" or "ac3" or "eac3" or "alac" or "opus", new[] { "-c:a", "aac", "-b:a", "192k" });
    public static readonly OutputFormat Mov = new OutputFormat("mov", "mov", true,
        c => c is "aac" or "alac" or "mp3" or "ac3" || (c?.StartsWith("pcm_", StringComparison.Ordinal) ?? false), new[] { "-c:a", "pcm_s16le" });
    public static readonly OutputFormat Webm = new OutputFormat("webm", "webm", true,
        c => c is "opus" or "vorbis", new[] { "-c:a", "libopus", "-b:a", "160k" });
    public static readonly OutputFormat Mkv = new OutputFormat("mkv", "matroska", true, c => c != null, new[] { "-c:a", "flac" });
    public static readonly OutputFormat Png = new OutputFormat("png", "image2", true, _ => false, Array.Empty<string>());

    public static IReadOnlyList<OutputFormat> Videos { get; } = new[] { Mp4, Mov, Webm, Mkv };

    /// <summary>The format of a video file by its extension, or an error naming the ones there are.</summary>
    public static OutputFormat FromExtension(string path)
    {
        var ext = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        return Videos.FirstOrDefault(f => f.Name == ext)
            ?? throw new ArgumentException($"'{path}': the extension '.{ext}' is not an output format Rvm writes; use .mp4 (H.264), .mov (ProRes), .webm (VP9) or .mkv (FFV1).");
    }

    /// <summary>Whether -HardwareVideo encodes these frames with NVENC: colour H.264 only; the matte stays on x264, which keeps it full range.</summary>
    internal bool EncodesWithNvenc(FramePixels pixels) => Name == "mp4" && pixels == FramePixels.Rgb;

    /// <summary>Video encoding arguments for the given frames; with <paramref name="nvenc"/>, NVENC on GPU <paramref name="nvencDevice"/> where it applies.</summary>
    internal IEnumerable<string> VideoArguments(FramePixels pixels, int width, int height, double? bitrateMbps, int? quality, bool nvenc = false, int nvencDevice = 0)
    {
        bool odd = width % 2 != 0 || height % 2 != 0;
        // 4:2:0 codecs need even sizes: repeat the last row or column instead of failing.
        var pad = new[] { "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2:0:0:color=black" };
        string? rate = bitrateMbps.HasValue ? (bitrateMbps.Value.ToString("0.###", CultureInfo.InvariantCulture) + "M") : null;
        switch (Name)
        {
            case "mp4":
                if (pixels == FramePixels.Rgba) throw new InvalidOperationException("H.264 .mp4 has no alpha channel.");
                if (nvenc && EncodesWithNvenc(pixels))
                {
                    var gpu = new List<string> { "-c:v", "h264_nvenc" };
                    gpu.AddRange(HardwareCodecs.EncodeDeviceArguments(nvencDevice));
                    gpu.AddRange(new[] { "-preset", "p4", "-pix_fmt", "yuv420p" });
                    gpu.AddRange(rate != null ? new[] { "-b:v", rate } : new[] { "-rc", "vbr", "-cq", (quality ?? 19).ToString(CultureInfo.InvariantCulture), "-b:v", "0" });
                    if (odd) gpu.AddRange(pad);
                    gpu.AddRange(new[] { "-movflags", "+faststart" });
                    return gpu;
                }
                // veryfast: 25 ms of CPU per 1080p frame against medium's 72 (measured here), CPU the network needs on
                // a small machine; there, one encoder thread each also beats x264's frame threads (7.72 against 7.39 fps
                // end to end at 1080p on 2 cores).
                // The matte gets ultrafast: on real mattes (flat, hard edges) it is both cheaper and truer than veryfast
                // at the same CRF (1080p: 5.1 against 11.6 ms a frame, PSNR 64.1 against 52.9 dB), in 3x the bytes.
                var preset = pixels == FramePixels.Gray ? "ultrafast" : "veryfast";
                var mp4 = new List<string> { "-c:v", "libx264", "-preset", preset, "-threads", Environment.ProcessorCount <= 4 ? "1" : "0" };
                // The matte as full-range luma: 0 stays 0 and 255 stays 255 when decoded.
                mp4.AddRange(pixels == FramePixels.Gray
                    ? new[] { "-pix_fmt", "yuvj420p", "-color_range", "pc" }
                    : new[] { "-pix_fmt", "yuv420p" });
                mp4.AddRange(rate != null ? new[] { "-b:v", rate } : new[] { "-crf", (quality ?? 18).ToString(CultureInfo.InvariantCulture) });
                if (odd) mp4.AddRange(pad);
                mp4.AddRange(new[] { "-movflags", "+faststart" });
                return mp4;
            case "mov":
                return new List<string> { "-c:v", "prores_ks", "-vendor", "apl0" }
                    .Concat(pixels == FramePixels.Rgba
                        ? new[] { "-profile:v", "4444", "-pix_fmt", "yuva444p10le", "-alpha_bits", "16" }
                        : new[] { "-profile:v", "3", "-pix_fmt", "yuv422p10le" })
                    .Concat(odd ? pad : Array.Empty<string>())
                    .Concat(rate != null ? new[] { "-b:v", rate } : Array.Empty<string>());
            case "webm":
                return new List<string> { "-c:v", "libvpx-vp9", "-row-mt", "1", "-deadline", "good", "-cpu-used", "4" }
                    .Concat(new[] { "-pix_fmt", pixels == FramePixels.Rgba ? "yuva420p" : "yuv420p" })
                    .Concat(rate != null ? new[] { "-b:v", rate } : new[] { "-b:v", "0", "-crf", (quality ?? 30).ToString(CultureInfo.InvariantCulture) })
                    .Concat(odd ? pad : Array.Empty<string>());
            case "mkv":
                return new[] { "-c:v", "ffv1", "-level", "3", "-pix_fmt", pixels switch { FramePixels.Rgba => "bgra", FramePixels.Gray => "gray", _ => "bgr0" } };
            default:
                return new[] { "-c:v", "png", "-pix_fmt", pixels switch { FramePixels.Rgba => "rgba", FramePixels.Gray => "gray", _ => "rgb24" } };
        }
    }

    /// <summary>
    /// Matroska and WebM keep times in milliseconds: a chunk is written at its frames' times in the output, so they
    /// round as in one pass. MP4 and MOV keep the stream's own time base, but an edit list (what a file that does not
    /// start at 0 gets) only milliseconds: their chunks start at 0 and the join places them.
    /// </summary>
    internal bool StoresMilliseconds => Muxer == "matroska" || Muxer == "webm";

    /// <summary>Container arguments for a join of chunks (stream copy): what the encoder's arguments would have set on the file.</summary>
    internal IEnumerable<string> JoinArguments(FramePixels pixels) => Name switch
    {
        "mp4" => new[] { "-movflags", "+faststart" },
        // The stream tag that tells players the VP9 carries alpha; a stream copy does not keep it.
        "webm" when pixels == FramePixels.Rgba => new[] { "-metadata:s:v:0", "alpha_mode=1" },
        _ => Array.Empty<string>(),
    };

    /// <summary>Audio arguments: copy the input's audio where this container takes its codec, else transcode.</summary>
    internal IEnumerable<string> AudioArguments(string? inputCodec) =>
        _copiesAudio(inputCodec) ? new[] { "-c:a", "copy" } : _audioCodec;
}

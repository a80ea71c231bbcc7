using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Globalization;

namespace Rvm.Media;

/// <summary>Reads a media file's streams with ffprobe (JSON output).</summary>
internal static class MediaProbe
{
    public static MediaInfo Probe(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"The input '{full}' does not exist.", full);
        if (new FileInfo(full).Length == 0) throw new InvalidDataException($"The input '{full}' is empty.");
        var json = new StringBuilder();
        string stdout;
        int exit;
        using (var probe = new FfmpegProcess("ffprobe", new[]
        {
            "-v", "error", "-print_format", "json", "-show_format", "-show_streams", FfmpegInput.Of(full),
        }, redirectInput: false, redirectOutput: true))
        {
            stdout = new StreamReader(probe.Output, Encoding.UTF8).ReadToEnd();
            exit = probe.WaitForExit();
            if (exit != 0)
                throw new InvalidDataException($"'{full}' is not a media file ffmpeg can read: {probe.ErrorTail()}");
        }
        return Parse(stdout, full);
    }

    internal static MediaInfo Parse(string json, string path)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var info = new MediaInfo { Path = path };
        if (root.TryGetProperty("format", out var format))
        {
            info.FormatName = Str(format, "format_name") ?? "";
            var seconds = Dbl(format, "duration");
            if (seconds > 0) info.Duration = TimeSpan.FromSeconds(seconds.Value);
            info.StartSeconds = Dbl(format, "start_time") ?? 0;
            info.Comment = CommentOf(format);
        }
        if (!root.TryGetProperty("streams", out var streams)) streams = default;
        var list = streams.ValueKind == JsonValueKind.Array ? streams.EnumerateArray().ToList() : new System.Collections.Generic.List<JsonElement>();
        // Attached pictures (cover art) are video streams too, but not the video.
        var video = list.FirstOrDefault(s => Str(s, "codec_type") == "video" && !IsAttachedPicture(s));
        var audio = list.FirstOrDefault(s => Str(s, "codec_type") == "audio");
        if (audio.ValueKind == JsonValueKind.Object)
        {
            info.HasAudio = true;
            info.AudioCodec = Str(audio, "codec_name");
        }
        if (video.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"'{path}' has no video stream.");

        info.VideoCodec = Str(video, "codec_name");
        int w = (int)(Dbl(video, "width") ?? 0), h = (int)(Dbl(video, "height") ?? 0);
        if (w <= 0 || h <= 0) throw new InvalidDataException($"'{path}' has a video stream without a picture size.");
        info.Rotation = RotationOf(video);
        bool sideways = info.Rotation == 90 || info.Rotation == 270;
        info.Width = sideways ? h : w;
        info.Height = sideways ? w : h;
        info.FrameRate = Rational.Parse(Str(video, "r_frame_rate"));
        info.AverageFrameRate = Rational.Parse(Str(video, "avg_frame_rate"));
        var streamSeconds = Dbl(video, "duration");
        if (streamSeconds > 0) info.Duration = TimeSpan.FromSeconds(streamSeconds.Value);
        if (long.TryParse(Str(video, "nb_frames"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var frames) && frames > 0)
            info.FrameCountEstimate = frames;
        else if (info.Duration.HasValue && (info.AverageFrameRate.IsValid || info.FrameRate.IsValid))
        {
            var rate = info.AverageFrameRate.IsValid ? info.AverageFrameRate : info.FrameRate;
            info.FrameCountEstimate = (long)Math.Round(info.Duration.Value.TotalSeconds * rate.Value);
        }
        return info;
    }

    /// <summary>
    /// The file's start time in microseconds as its container stores it (Matroska and WebM round to the
    /// millisecond), the number ffmpeg's concat demuxer works with; 0 when the file reports none.
    /// </summary>
    internal static long StartMicroseconds(string path)
    {
        using var probe = new FfmpegProcess("ffprobe", new[]
        {
            "-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0", FfmpegInput.Of(Path.GetFullPath(path)),
        }, redirectInput: false, redirectOutput: true);
        var stdout = new StreamReader(probe.Output, Encoding.UTF8).ReadToEnd().Trim();
        if (probe.WaitForExit() != 0) throw new InvalidDataException($"ffprobe cannot read '{path}': {probe.ErrorTail()}");
        return decimal.TryParse(stdout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? (long)Math.Round(seconds * 1_000_000m) : 0;
    }

    /// <summary>The container's comment tag (Matroska spells it COMMENT), or null for a file that is not media or has none.</summary>
    internal static string? ReadComment(string path)
    {
        using var probe = new FfmpegProcess("ffprobe", new[]
        {
            "-v", "error", "-print_format", "json", "-show_entries", "format_tags", FfmpegInput.Of(Path.GetFullPath(path)),
        }, redirectInput: false, redirectOutput: true);
        var stdout = new StreamReader(probe.Output, Encoding.UTF8).ReadToEnd();
        if (probe.WaitForExit() != 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            return doc.RootElement.TryGetProperty("format", out var format) ? CommentOf(format) : null;
        }
        catch (JsonException) { return null; }
    }

    private static string? CommentOf(JsonElement format)
    {
        if (!format.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Object) return null;
        foreach (var tag in tags.EnumerateObject())
            if (string.Equals(tag.Name, "comment", StringComparison.OrdinalIgnoreCase) && tag.Value.ValueKind == JsonValueKind.String) return tag.Value.GetString();
        return null;
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var a) && a.ValueKind == JsonValueKind.Number && a.GetInt32() == 1;

    /// <summary>
    /// Degrees clockwise the picture is turned for display. ffprobe gives the display matrix's rotation
    /// counter-clockwise (-90 for a phone held upright) and the old rotate tag clockwise (90).
    /// </summary>
    private static int RotationOf(JsonElement video)
    {
        double rotation = 0;
        if (video.TryGetProperty("side_data_list", out var sideData) && sideData.ValueKind == JsonValueKind.Array)
            foreach (var entry in sideData.EnumerateArray())
                if (entry.TryGetProperty("rotation", out var r) && r.ValueKind == JsonValueKind.Number) rotation = -r.GetDouble();
        if (rotation == 0 && video.TryGetProperty("tags", out var tags) && double.TryParse(Str(tags, "rotate"), NumberStyles.Float, CultureInfo.InvariantCulture, out var tag))
            rotation = tag;
        int degrees = ((int)Math.Round(rotation) % 360 + 360) % 360;
        return degrees;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString()) : null;

    private static double? Dbl(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        return double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Rvm.Inference;
using Rvm.Matting;

namespace Rvm.Segments;

/// <summary>Decides, as part of a conversion's plan, whether and how a video is converted in chunks and parts.</summary>
internal static class SegmentPlanner
{
    /// <summary>
    /// A checkpoint every 30 s of video: at 1080p on 2 cores (about 9 fps) a kill loses at most 100 s of work, and a
    /// chunk's end costs an encoder flush and a 3 MB state file, well under 1% of the chunk's time.
    /// </summary>
    internal const double DefaultCheckpointSeconds = 30;
    internal const int MinCheckpointFrames = 10;
    /// <summary>
    /// Pre-roll of a part after the first (build.ps1 PreRoll, README "Long videos"): 120 frames keep the mean alpha MAE
    /// under 2e-3 and the worst frame under 2e-2 on four of five measured splits (vtest, a pan over the astronaut, a
    /// clip with a cut; the pan's last seconds miss by 0.9e-3 and 0.002e-2), where 30 frames miss on three. It costs
    /// about 10 s of network time per part at 1080p.
    /// </summary>
    internal const int DefaultPreRollFrames = 120;

    public static SegmentPlan? Plan(ConversionPlan plan, RvmModel model)
    {
        var request = plan.Request;
        if (request.Segments < 1) throw new ArgumentOutOfRangeException(nameof(request.Segments), "A video is converted in 1 segment or more.");
        if (request.CheckpointFrames is int n && n != 0 && n < MinCheckpointFrames)
            throw new ArgumentOutOfRangeException(nameof(request.CheckpointFrames), $"Checkpoints come every {MinCheckpointFrames} frames or more (0: none).");
        var info = plan.InputInfo;
        if (info == null)
        {
            if (request.Segments > 1) throw new ArgumentException($"'{request.Input}': -Segments splits a video; a folder of pictures is converted in one sequence.");
            return null;
        }

        var rate = info.AverageFrameRate.IsValid ? info.AverageFrameRate.Value : info.FrameRate.IsValid ? info.FrameRate.Value : 30;
        int checkpoint = request.CheckpointFrames ?? Math.Max(MinCheckpointFrames, (int)Math.Round(DefaultCheckpointSeconds * rate));
        int segments = request.Segments;
        // A batch's -SegmentLength: as many parts as it takes, none longer.
        if (request.SegmentLength is TimeSpan length && info.Duration is TimeSpan total && total > length)
        {
            if (length <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(request.SegmentLength), "A segment is longer than 0 s.");
            segments = Math.Max(segments, (int)Math.Ceiling(total.TotalSeconds / length.TotalSeconds));
        }
        if (segments > 1 && request.Background.Kind == BackgroundKind.Video)
            throw new ArgumentException($"'{request.Input}': a video in segments cannot have a background video, whose frame at each segment's start is not known; convert it in one segment.");
        if (segments > 1 && !(info.Duration?.TotalSeconds > 0))
            throw new ArgumentException($"'{request.Input}': converting in segments needs the video's duration, and ffprobe reports none.");
        bool chunked = segments > 1 || (checkpoint > 0 && !(info.FrameCountEstimate <= checkpoint));
        if (!chunked) return null;

        int preRoll = request.PreRollFrames ?? DefaultPreRollFrames;
        if (preRoll < 0) throw new ArgumentOutOfRangeException(nameof(request.PreRollFrames), "The pre-roll is 0 frames or more.");
        var parts = new List<PartRange>();
        double duration = info.Duration?.TotalSeconds ?? 0;
        for (int k = 0; k < segments; k++)
        {
            double start = duration * k / segments;
            double? end = k + 1 < segments ? duration * (k + 1) / segments : (double?)null;
            parts.Add(new PartRange(k, start, end, k == 0 ? 0 : preRoll / rate));
        }
        var description = Describe(plan, model, checkpoint, segments, preRoll);
        return new SegmentPlan(WorkFolder.PathFor(plan.Outputs[0].Path), Fingerprint(description), description, checkpoint, parts, preRoll);
    }

    /// <summary>Everything that changes what a conversion writes, one setting a line.</summary>
    private static string Describe(ConversionPlan plan, RvmModel model, int checkpoint, int segments, int preRoll)
    {
        var request = plan.Request;
        var lines = new List<string>
        {
            "rvm-plan/1",
            "engine " + (typeof(SegmentPlanner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"),
            "input " + Identity(request.Input),
        };
        lines.AddRange(plan.Outputs.Select(o => $"output {o.Kind} {o.Format.Name} {Path.GetFullPath(o.Path)}"));
        lines.Add(FormattableString.Invariant($"frame {plan.Width}x{plan.Height} ratio {plan.Ratio:R}"));
        lines.Add("background " + request.Background + (request.Background.Path != null ? " " + Identity(request.Background.Path) : "")
            + (request.Background.Kind == BackgroundKind.Blur ? FormattableString.Invariant($" radius {plan.BlurRadius}") : ""));
        lines.Add(FormattableString.Invariant($"quality {request.Quality?.ToString() ?? "default"} bitrate {request.VideoBitrateMbps?.ToString("R") ?? "default"} hardware-video {request.HardwareVideo} tolerance {request.ErrorTolerance}"));
        lines.Add($"model {model.Sha256} {model.Precision} {model.Device}");
        lines.Add(FormattableString.Invariant($"checkpoint {checkpoint} segments {segments} preroll {preRoll}"));
        return string.Join("\n", lines);
    }

    /// <summary>A file by its full path, length and last write: a changed input is another plan.</summary>
    private static string Identity(string path)
    {
        var info = new FileInfo(path);
        return info.Exists
            ? FormattableString.Invariant($"{info.FullName} {info.Length} {info.LastWriteTimeUtc.Ticks}")
            : Path.GetFullPath(path);
    }

    private static string Fingerprint(string description)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(description));
        return string.Concat(hash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}

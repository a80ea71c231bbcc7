using System;

namespace Rvm.Media;

/// <summary>What ffprobe says of a media file, as far as conversion needs it.</summary>
internal sealed class MediaInfo
{
    public string Path { get; internal set; } = "";
    public string FormatName { get; internal set; } = "";
    public string? VideoCodec { get; internal set; }
    /// <summary>Picture size as shown, after the rotation in the file's display matrix is applied.</summary>
    public int Width { get; internal set; }
    public int Height { get; internal set; }
    /// <summary>Rotation in degrees from the display matrix or rotate tag (0, 90, 180, 270).</summary>
    public int Rotation { get; internal set; }
    /// <summary>The stream's base frame rate (ffprobe's r_frame_rate).</summary>
    public Rational FrameRate { get; internal set; }
    public Rational AverageFrameRate { get; internal set; }
    public TimeSpan? Duration { get; internal set; }
    /// <summary>The container's start time in seconds: what ffmpeg takes off every timestamp unless told to keep them (-copyts).</summary>
    public double StartSeconds { get; internal set; }
    /// <summary>Frame count from the container, or estimated from duration and rate; for progress only.</summary>
    public long? FrameCountEstimate { get; internal set; }
    public bool HasAudio { get; internal set; }
    /// <summary>The container's comment tag; Rvm records there which input an output was made from.</summary>
    public string? Comment { get; internal set; }
    public string? AudioCodec { get; internal set; }
}

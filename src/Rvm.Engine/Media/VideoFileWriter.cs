using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Rvm.IO;

namespace Rvm.Media;

/// <summary>
/// Encodes frames into one output (a video file, or a folder of PNGs) with ffmpeg. Frames go to ffmpeg's stdin
/// as NUT with their own timestamps; the input file is ffmpeg's second input, for its audio. The output is
/// written under a temporary name and moved into place by <see cref="Complete"/>; <see cref="Dispose"/>
/// without Complete kills ffmpeg and deletes it.
/// </summary>
public sealed class VideoFileWriter : IDisposable
{
    private readonly FfmpegProcess _ffmpeg;
    private readonly NutWriter _nut;
    private readonly string _temp;
    private readonly OutputFormat _format;
    private readonly int _digits;
    private bool _completed;
    private long _frames;

    public VideoFileWriter(string finalPath, OutputFormat format, FramePixels pixels, int width, int height, Rational timeBase,
        TimeSpan startOffset, MediaInfo? audioSource, double? bitrateMbps, int? quality, long? frameCountEstimate, CancellationToken cancel,
        bool nvenc = false)
    {
        FinalPath = Path.GetFullPath(finalPath);
        _format = format;
        Pixels = pixels;
        var folder = Path.GetDirectoryName(FinalPath)!;
        Directory.CreateDirectory(folder);
        _temp = format.IsImageSequence
            ? Path.Combine(folder, $".{Path.GetFileName(FinalPath)}.{Guid.NewGuid():N}.partial")
            : AtomicFile.TempNameFor(FinalPath);
        _digits = Math.Max(4, (Math.Max(1, frameCountEstimate ?? 1) - 1).ToString(CultureInfo.InvariantCulture).Length);

        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y" };
        // The first frame's time relative to the input's start, so the picture stays in sync with the audio.
        if (startOffset != TimeSpan.Zero)
            arguments.AddRange(new[] { "-itsoffset", startOffset.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture) });
        arguments.AddRange(new[] { "-f", "nut", "-i", "pipe:0" });
        bool audio = audioSource != null && audioSource.HasAudio && format.CarriesAudio;
        if (audio) arguments.AddRange(new[] { "-i", FfmpegInput.Of(audioSource!.Path) });
        arguments.AddRange(new[] { "-map", "0:v:0" });
        if (audio) arguments.AddRange(new[] { "-map", "1:a?" });
        arguments.AddRange(format.VideoArguments(pixels, width, height, bitrateMbps, quality, nvenc));
        if (audio) arguments.AddRange(format.AudioArguments(audioSource!.AudioCodec));
        arguments.AddRange(new[] { "-fps_mode", "passthrough", "-map_metadata", "-1" });
        if (format.IsImageSequence)
        {
            Directory.CreateDirectory(_temp);
            // '%' in folder names would be read as part of the number pattern.
            var pattern = Path.Combine(_temp, $"%0{_digits}d.png").Replace("%", "%%").Replace($"%%0{_digits}d", $"%0{_digits}d");
            arguments.AddRange(new[] { "-start_number", "0", "-f", "image2", FfmpegInput.Of(pattern) });
        }
        else arguments.AddRange(new[] { "-f", format.Muxer, FfmpegInput.Of(_temp) });

        _ffmpeg = new FfmpegProcess("ffmpeg", arguments, redirectInput: true, redirectOutput: false, cancel: cancel);
        int bpp = pixels switch { FramePixels.Rgba => 4, FramePixels.Gray => 1, _ => 3 };
        var pixelFormat = pixels switch { FramePixels.Rgba => "gbrap", FramePixels.Gray => "gray", _ => "gbrp" };
        _nut = new NutWriter(_ffmpeg.Input, width, height, NutWriter.FourccOf(pixelFormat), bpp, timeBase.Numerator, timeBase.Denominator);
    }

    public string FinalPath { get; }
    public FramePixels Pixels { get; }

    public void Write(long pts, byte[] pixels)
    {
        try
        {
            _nut.WriteFrame(pts, pixels);
            _frames++;
        }
        catch (IOException e)
        {
            _ffmpeg.Kill();
            _ffmpeg.WaitForExit();
            throw new IOException($"ffmpeg stopped while writing '{FinalPath}': {_ffmpeg.ErrorTail()}", e);
        }
    }

    /// <summary>Ends the stream and waits for ffmpeg to finish the output under its temporary name.</summary>
    public void Finish()
    {
        _ffmpeg.Input.Close();
        int exit = _ffmpeg.WaitForExit();
        if (_ffmpeg.WasKilled) throw new OperationCanceledException($"Writing '{FinalPath}' was cancelled.");
        if (exit != 0) throw new IOException($"ffmpeg could not write '{FinalPath}' (exit code {exit}): {_ffmpeg.ErrorTail()}");
        if (_frames == 0) throw new IOException($"No frame was written to '{FinalPath}'.");
    }

    /// <summary>Moves the finished output into place, replacing an older one.</summary>
    public void Commit()
    {
        if (_format.IsImageSequence)
        {
            RenumberIfNeeded();
            if (Directory.Exists(FinalPath)) Directory.Delete(FinalPath, true);
            Directory.Move(_temp, FinalPath);
        }
        else AtomicFile.Commit(_temp, FinalPath);
        _completed = true;
    }

    /// <summary>PNG names use as many digits as the frame count needs; the count was only estimated at the start.</summary>
    private void RenumberIfNeeded()
    {
        int needed = Math.Max(4, Math.Max(0, _frames - 1).ToString(CultureInfo.InvariantCulture).Length);
        if (needed == _digits) return;
        foreach (var file in Directory.GetFiles(_temp, "*.png"))
        {
            var number = long.Parse(Path.GetFileNameWithoutExtension(file), CultureInfo.InvariantCulture);
            File.Move(file, Path.Combine(_temp, number.ToString(new string('0', needed), CultureInfo.InvariantCulture) + ".png"));
        }
    }

    public void Dispose()
    {
        if (!_completed)
        {
            _ffmpeg.Kill();
            _ffmpeg.Dispose();
            if (_format.IsImageSequence)
            {
                try { if (Directory.Exists(_temp)) Directory.Delete(_temp, true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            else AtomicFile.TryDelete(_temp);
        }
        else _ffmpeg.Dispose();
    }
}

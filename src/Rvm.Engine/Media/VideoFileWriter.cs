using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Text;

namespace Rvm.Media;

/// <summary>
/// Encodes frames into one output (a video file, or a folder of PNGs) with ffmpeg. Frames go to ffmpeg's stdin
/// as NUT with their own timestamps; the input file is ffmpeg's second input, for its audio. The output is
/// written under the temporary name its claim gives and carries its provenance tag (the container's comment, or
/// a marker file among the PNGs); the conversion moves it into place. <see cref="Dispose"/> before
/// <see cref="Finish"/> kills ffmpeg. Our own stdin pipe, not FFMpegCore's pipe source: FFMpegCore's pipes
/// (FFMpegArgumentProcessor, 5.x/6.0) are cancelled when ffmpeg exits, and trailing frames were lost on the way out:
/// see <see cref="VideoFrameReader"/> for the line upstream.
/// </summary>
internal sealed class VideoFileWriter : IDisposable
{
    private readonly FfmpegProcess _ffmpeg;
    private readonly NutWriter _nut;
    private readonly string _temp;
    private readonly string _tag;
    private readonly OutputFormat _format;
    private readonly int _digits;
    private long _frames;
    private readonly bool _nvenc;

    public VideoFileWriter(string finalPath, string tempPath, string tag, OutputFormat format, FramePixels pixels, int width, int height, Rational timeBase,
        TimeSpan startOffset, MediaInfo? audioSource, double? bitrateMbps, int? quality, long? frameCountEstimate, CancellationToken cancel,
        bool nvenc = false, int nvencDevice = 0)
    {
        _nvenc = nvenc && format.EncodesWithNvenc(pixels);
        FinalPath = Path.GetFullPath(finalPath);
        _format = format;
        Pixels = pixels;
        _temp = tempPath;
        _tag = tag;
        _digits = Math.Max(4, (Math.Max(1, frameCountEstimate ?? 1) - 1).ToString(CultureInfo.InvariantCulture).Length);

        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y" };
        bool audio = audioSource != null && audioSource.HasAudio && format.CarriesAudio;
        // With only our own frames coming in, any error is a failed write: without -xerror, ffmpeg 5.1 exits 0 when
        // the disk fills as it writes the trailer (Matroska holds a second of small frames until then), leaving a
        // cut-short file that would pass for finished. With the input's audio mapped, its damage is left to ffmpeg.
        if (!audio) arguments.Add("-xerror");
        // The first frame's time relative to the input's start, so the picture stays in sync with the audio.
        if (startOffset != TimeSpan.Zero)
            arguments.AddRange(new[] { "-itsoffset", startOffset.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture) });
        arguments.AddRange(new[] { "-f", "nut", "-i", "pipe:0" });
        if (audio) arguments.AddRange(new[] { "-i", FfmpegInput.Of(audioSource!.Path) });
        arguments.AddRange(new[] { "-map", "0:v:0" });
        if (audio) arguments.AddRange(new[] { "-map", "1:a?" });
        arguments.AddRange(format.VideoArguments(pixels, width, height, bitrateMbps, quality, nvenc, nvencDevice));
        if (audio) arguments.AddRange(format.AudioArguments(audioSource!.AudioCodec));
        arguments.AddRange(new[] { "-fps_mode", "passthrough", "-map_metadata", "-1" });
        if (!format.IsImageSequence) arguments.AddRange(new[] { "-metadata", "comment=" + tag });
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
            throw new IOException($"ffmpeg stopped while writing '{FinalPath}': {_ffmpeg.ErrorTail()}{NvencHint}", e);
        }
    }

    /// <summary>Ends the stream and waits for ffmpeg to finish the output under its temporary name.</summary>
    public void Finish()
    {
        _ffmpeg.Input.Close();
        int exit = _ffmpeg.WaitForExit();
        if (_ffmpeg.WasKilled) throw new OperationCanceledException($"Writing '{FinalPath}' was cancelled.");
        if (exit != 0 || FfmpegProcess.FailedToFinish(_ffmpeg.ErrorTail(20)))
            throw new IOException($"ffmpeg could not write '{FinalPath}' (exit code {exit}): {_ffmpeg.ErrorTail()}{NvencHint}");
        if (_frames == 0) throw new IOException($"No frame was written to '{FinalPath}'.");
        if (_format.IsImageSequence)
        {
            RenumberIfNeeded();
            File.WriteAllText(Path.Combine(_temp, OutputProvenance.MarkerName), _tag + "\n", new UTF8Encoding(false));
        }
    }

    /// <summary>
    /// NVENC passed its probe at this size but can still fail to open during a run (a GeForce card's limit on
    /// concurrent sessions under -Parallel, memory): the error then names the switch that chose it.
    /// </summary>
    private string NvencHint => _nvenc ? " The output was encoded with NVENC because of -HardwareVideo; without -HardwareVideo it is encoded on the CPU (x264)." : "";

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

    /// <summary>Stops ffmpeg if it is still running; the temporary belongs to the claim, which removes it unless committed.</summary>
    public void Dispose()
    {
        _ffmpeg.Kill();
        _ffmpeg.Dispose();
    }
}

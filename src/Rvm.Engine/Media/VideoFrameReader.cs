using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;

namespace Rvm.Media;

/// <summary>
/// Decodes a video's frames as RGB24 (or planar GBR) with ffmpeg, one at a time, each with its exact presentation timestamp.
/// ffmpeg writes raw frames to stdout and, through the showinfo filter, each frame's pts (in the stream's own
/// time base) to stderr in the same order. Rotation is applied (ffmpeg autorotates); every decoded frame comes
/// out once (-fps_mode passthrough): no frame is dropped or repeated to fit a rate.
/// Our own pipe, not FFMpegCore's: its pipe output (FFMpegArgumentProcessor, FFMpegCore 5.x/6.0) cancels the
/// copy from the pipe when ffmpeg exits, so the last frames still in the pipe are lost. The line upstream, in
/// FFMpegArgumentProcessor.Process: <c>instance.WaitForExitAsync().ContinueWith(t => { ...; cancellationTokenSource.Cancel(); ... })</c>
/// runs beside <c>_ffMpegArguments.During(cancellationTokenSource.Token)</c>, the task still reading the pipe.
/// </summary>
internal sealed class VideoFrameReader : IFrameSource
{
    private static readonly Regex ShowInfoFrame = new Regex(@"\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:\s*(\S+)", RegexOptions.Compiled);
    private static readonly Regex ShowInfoTimeBase = new Regex(@"config in time_base:\s*(\d+)/(\d+)", RegexOptions.Compiled);

    private readonly FfmpegProcess _ffmpeg;
    private readonly BlockingCollection<long> _timestamps = new BlockingCollection<long>();
    private readonly ManualResetEventSlim _timeBaseKnown = new ManualResetEventSlim();
    private readonly string _path;
    private long _index;
    private bool _finished;
    private volatile string? _firstError;
    // Null when strict: the first decode error fails the input.
    private readonly DecodeDamage? _damage;
    private readonly Action<string>? _warning;
    private readonly bool _gpuDecode;

    /// <param name="width">Output width; the source is scaled to the output size when it differs (InputResize, or a background).</param>
    /// <param name="loop">Read the input over and over (a background video shorter than the input).</param>
    /// <param name="planar">Frames as planes G, B, R (ffmpeg's gbrp) instead of interleaved RGB24.</param>
    /// <param name="gpuDecode">Decode on the GPU (-hwaccel cuda); frames come back to memory for the filters.</param>
    /// <param name="gpuDevice">The GPU that decodes (-hwaccel_device), the model's.</param>
    /// <param name="tolerance">Conceal: decode errors become warnings through <paramref name="warning"/> and the damaged frames are counted.</param>
    /// <param name="absoluteTimestamps">Keep the file's own timestamps (-copyts) instead of starting at 0: a conversion in parts needs
    /// the same timestamp for a frame whether it was reached from the start or by a seek.</param>
    /// <param name="seekSeconds">Start decoding at the key frame before this time (from the file's start; implies absolute timestamps).
    /// Frames before it may still come; the caller drops them by timestamp, which is exact where a seek is not.</param>
    public VideoFrameReader(string path, int width, int height, bool loop = false, bool cover = false, bool planar = false,
        CancellationToken cancel = default, bool gpuDecode = false, DecodeErrorTolerance tolerance = DecodeErrorTolerance.Strict,
        Action<string>? warning = null, int gpuDevice = 0, bool absoluteTimestamps = false, double seekSeconds = 0)
    {
        _gpuDecode = gpuDecode;
        if (tolerance == DecodeErrorTolerance.Conceal) _damage = new DecodeDamage();
        _warning = warning;
        _path = Path.GetFullPath(path);
        Width = width;
        Height = height;
        // "cover" scales to fill and crops the overflow (a background picture or video); otherwise the picture is
        // scaled to the exact size. Scaling always happens in the graph so a mid-stream size change cannot change
        // the frame size read here.
        string scale = cover
            ? $"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}"
            : $"scale={width}:{height}";
        // level+info tags each line with its level, so errors that do not stop ffmpeg (a file that ends
        // early) are still seen.
        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info" };
        if (loop) arguments.AddRange(new[] { "-stream_loop", "-1" });
        // -xerror: a damaged or truncated stream is an error, not a shorter output (unless Conceal asks for what decodes).
        if (!loop && _damage == null) arguments.Add("-xerror");
        if (gpuDecode) arguments.AddRange(HardwareCodecs.DecodeArguments(gpuDevice));
        if (absoluteTimestamps || seekSeconds > 0) arguments.Add("-copyts");
        if (seekSeconds > 0) arguments.AddRange(new[] { "-ss", seekSeconds.ToString("0.######", CultureInfo.InvariantCulture) });
        arguments.AddRange(new[]
        {
            "-i", FfmpegInput.Of(_path), "-map", "0:v:0", "-an", "-sn", "-dn",
            // Always planar from ffmpeg, so interleaved frames (Get-RvmVideoFrame) hold exactly the pixels the
            // video pipeline sees: swscale's rgb24 and gbrp conversions can differ by a level.
            "-vf", $"{scale},format=gbrp,showinfo=checksum=0",
            "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gbrp", "pipe:1",
        });
        _ffmpeg = new FfmpegProcess("ffmpeg", arguments, redirectInput: false, redirectOutput: true, OnStderr, cancel);
        if (!planar) _planes = new byte[width * height * 3];
    }

    private readonly byte[]? _planes;

    public int Width { get; }
    public int Height { get; }
    public int FrameBytes => Width * Height * 3;
    /// <summary>The time base of the timestamps, known once the first frame has been read.</summary>
    public Rational TimeBase { get; private set; }
    public long FramesRead => _index;
    /// <summary>With <see cref="DecodeErrorTolerance.Conceal"/>: frames lost, left out or concealed, known at the end of the video.</summary>
    public long DamagedFrames { get; private set; }

    /// <summary>With GPU decoding: NVDEC's first line saying it cannot take this stream (ffmpeg then decoded it on the CPU), else null.</summary>
    public string? SoftwareDecodeReason { get; private set; }

    private void OnStderr(string line)
    {
        bool error = line.Contains("[error]") || line.Contains("[fatal]");
        if (error && _gpuDecode && NvdecLog.IsCapabilityFailure(line))
        {
            SoftwareDecodeReason ??= WithoutTags(line);
            return;
        }
        if (_firstError == null && error) _firstError = WithoutTags(line);
        if (_damage != null && error) _damage.OnError(WithoutTags(line));
        if (_damage != null && line.Contains("concealing ") && line.Contains(" errors in ")) _damage.OnConcealment(WithoutTags(line));
        var frame = ShowInfoFrame.Match(line);
        if (frame.Success)
        {
            var pts = long.Parse(frame.Groups[2].Value, CultureInfo.InvariantCulture);
            _damage?.OnFrame(pts);
            _timestamps.Add(pts);
            return;
        }
        var tb = ShowInfoTimeBase.Match(line);
        if (tb.Success && !_timeBaseKnown.IsSet)
        {
            TimeBase = new Rational(long.Parse(tb.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(tb.Groups[2].Value, CultureInfo.InvariantCulture));
            _timeBaseKnown.Set();
        }
    }

    /// <summary>An ffmpeg log line without its "[h264 @ 0x...] [error]" tags.</summary>
    private static string WithoutTags(string line) => Regex.Replace(line, @"^(\[[^\]]*\]\s*)+", "").Trim();

    /// <summary>
    /// Reads the next frame into <paramref name="buffer"/> (at least FrameBytes long). Returns false at the end
    /// of the video; throws when ffmpeg fails or the input is damaged.
    /// </summary>
    public bool TryRead(byte[] buffer, out long pts)
    {
        if (_planes == null) return TryReadPlanes(buffer, out pts);
        if (!TryReadPlanes(_planes, out pts)) return false;
        Rvm.Imaging.PlanarPixels.GbrPlanesToRgb(_planes, buffer, Width * Height);
        return true;
    }

    private bool TryReadPlanes(byte[] buffer, out long pts)
    {
        pts = 0;
        if (_finished) return false;
        int done = 0, size = FrameBytes;
        var output = _ffmpeg.Output;
        while (done < size)
        {
            int n = output.Read(buffer, done, size - done);
            if (n == 0) break;
            done += n;
        }
        if (done == 0)
        {
            _finished = true;
            Finish();
            return false;
        }
        if (done < size)
        {
            _finished = true;
            Finish();
            throw new InvalidDataException($"'{_path}': ffmpeg ended inside frame {_index} ({done} of {size} bytes).");
        }
        // The frame's showinfo line was written before its pixels were; it may still be on its way through stderr.
        if (!_timestamps.TryTake(out pts, TimeSpan.FromSeconds(30)))
            throw new InvalidDataException($"'{_path}': no timestamp arrived for frame {_index}.");
        _timeBaseKnown.Wait(TimeSpan.FromSeconds(5));
        _index++;
        return true;
    }

    private void Finish()
    {
        int exit = _ffmpeg.WaitForExit();
        if (_ffmpeg.WasKilled) throw new OperationCanceledException($"Reading '{_path}' was cancelled.");
        if (exit != 0)
            throw Undecodable($"'{_path}' could not be decoded to the end (ffmpeg exit code {exit}): {_firstError ?? _ffmpeg.ErrorTail()}");
        if (_firstError != null && _damage == null) throw Undecodable($"'{_path}' is damaged: {_firstError}");
        if (_index == 0) throw new InvalidDataException($"'{_path}' has no video frames.");
        if (_damage != null && _damage.Seen)
        {
            // Only a damaged input pays for listing its packets.
            var (damaged, warnings) = _damage.Assess(_path, PacketTimestamps.Read(_path), TimeBase);
            DamagedFrames = damaged;
            foreach (var warning in warnings) _warning?.Invoke(warning);
        }
    }

    /// <summary>Strict reading's failure says Conceal would have gone on; a failure under Conceal is plain invalid data.</summary>
    private SystemException Undecodable(string message) =>
        _damage == null ? new DamagedMediaException(message) : new InvalidDataException(message);

    /// <summary>Stops reading early (a looping background, or a cancelled conversion): ffmpeg is killed.</summary>
    public void Dispose()
    {
        _ffmpeg.Kill();
        _ffmpeg.Dispose();
        _timestamps.Dispose();
        _timeBaseKnown.Dispose();
    }
}

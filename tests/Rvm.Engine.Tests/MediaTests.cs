using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Rvm.Media;
using Xunit;

namespace Rvm.Tests;

public sealed class MediaTests
{
    [Fact]
    public void NutFramesKeepTheirTimestampsAndPixels()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rvm-{Guid.NewGuid():N}.nut");
        try
        {
            using (var file = File.Create(path))
            {
                var writer = new NutWriter(file, 6, 4, NutWriter.FourccOf("gray"), 1, 1001, 30000);
                foreach (var pts in new long[] { 0, 1, 2, 7, 1000 })
                    writer.WriteFrame(pts, Enumerable.Repeat((byte)(pts % 251), 24).ToArray());
            }
            var info = new ProcessStartInfo("ffprobe", $"-v error -show_entries frame=pts:stream=width,height,pix_fmt,time_base -of csv=p=0 \"{path}\"")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var probe = Process.Start(info)!;
            var lines = probe.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            probe.WaitForExit();
            Assert.Equal(new[] { "0", "1", "2", "7", "1000" }, lines.Where(l => !l.Contains(',')).ToArray());
            Assert.Contains("6,4,gray,1001/30000", lines);

            var raw = new ProcessStartInfo("ffmpeg", $"-v error -i \"{path}\" -fps_mode passthrough -f rawvideo -pix_fmt gray -") { RedirectStandardOutput = true, UseShellExecute = false };
            using var decode = Process.Start(raw)!;
            var bytes = new MemoryStream();
            decode.StandardOutput.BaseStream.CopyTo(bytes);
            decode.WaitForExit();
            Assert.Equal(5 * 24, bytes.Length);
            Assert.Equal(7, bytes.ToArray()[3 * 24]);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void NamesSortNaturally()
    {
        var names = new[] { "10.png", "2.png", "1.png", "frame10.png", "frame9.png", "a.png", "02.png" };
        var sorted = names.OrderBy(n => n, ImageSequenceReader.NaturalComparer.Instance).ToArray();
        Assert.Equal(new[] { "1.png", "2.png", "02.png", "10.png", "a.png", "frame9.png", "frame10.png" }, sorted);
    }

    [Theory]
    [InlineData(",\"side_data_list\":[{\"rotation\":-90}]", 90, 480, 640)]
    [InlineData(",\"tags\":{\"rotate\":\"180\"}", 180, 640, 480)]
    [InlineData("", 0, 640, 480)]
    public void ProbeAppliesRotationToTheShownSize(string extra, int rotation, int width, int height)
    {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":640,\"height\":480,\"r_frame_rate\":\"30000/1001\",\"avg_frame_rate\":\"30000/1001\",\"nb_frames\":\"90\"" + extra + "}";
        var json = "{\"format\":{\"format_name\":\"mov\",\"duration\":\"3.003\"},\"streams\":[" + stream + ",{\"codec_type\":\"audio\",\"codec_name\":\"aac\"}]}";
        var info = MediaProbe.Parse(json, "x.mp4");
        Assert.Equal(rotation, info.Rotation);
        Assert.Equal(width, info.Width);
        Assert.Equal(height, info.Height);
        Assert.Equal(new Rational(30000, 1001), info.FrameRate);
        Assert.Equal(90, info.FrameCountEstimate);
        Assert.True(info.HasAudio);
    }

    [Fact]
    public void ProbeRefusesAFileWithoutVideo()
    {
        var e = Assert.Throws<InvalidDataException>(() => MediaProbe.Parse("{\"format\":{},\"streams\":[{\"codec_type\":\"audio\"}]}", "a.m4a"));
        Assert.Contains("no video stream", e.Message);
    }

    [Theory]
    [InlineData("x.mp4", "aac", true)]
    [InlineData("x.mp4", "pcm_s16le", false)]
    [InlineData("x.webm", "aac", false)]
    [InlineData("x.webm", "opus", true)]
    [InlineData("x.mkv", "pcm_s24le", true)]
    [InlineData("x.mov", "pcm_s16le", true)]
    public void AudioIsCopiedWhereTheContainerTakesItsCodec(string output, string codec, bool copied)
    {
        var args = OutputFormat.FromExtension(output).AudioArguments(codec).ToArray();
        Assert.Equal(copied, args.SequenceEqual(new[] { "-c:a", "copy" }));
    }

    [Fact]
    public void AnUnknownExtensionIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => OutputFormat.FromExtension("out.avi"));
        Assert.Contains(".mp4 (H.264), .mov (ProRes), .webm (VP9) or .mkv (FFV1)", e.Message);
    }
}

public sealed class HardwareFallbackTests
{
    [Fact]
    public void GpuCodecsThatCannotLoadAreReportedNotFatal()
    {
        if (Environment.GetEnvironmentVariable("RVM_EXPECT_CUDA") == "1") return;
        // No NVIDIA driver here: both probes answer no, with ffmpeg's reason, and nothing throws.
        Assert.False(HardwareCodecs.CudaDecode);
        Assert.False(HardwareCodecs.NvencEncode);
        Assert.Contains("cuda", HardwareCodecs.DecodeProblem!, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(HardwareCodecs.EncodeProblem));
    }

    [Fact]
    public void NvencArgumentsAreUsedOnlyForColourMp4()
    {
        var colour = string.Join(" ", OutputFormat.Mp4.VideoArguments(FramePixels.Rgb, 64, 64, null, null, nvenc: true));
        var matte = string.Join(" ", OutputFormat.Mp4.VideoArguments(FramePixels.Gray, 64, 64, null, null, nvenc: true));
        Assert.Contains("h264_nvenc", colour);
        Assert.Contains("libx264", matte);
        Assert.Contains("yuvj420p", matte);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Matting;
using Rvm.Media;
using Xunit;

namespace Rvm.Tests;

/// <summary>-HardwareVideo's arguments, probes, log classification and choices, checked without a GPU.</summary>
public sealed class HardwareVideoTests
{
    [Fact]
    public void DecodingUsesTheModelsGpu()
    {
        Assert.Equal(new[] { "-hwaccel", "cuda", "-hwaccel_device", "1" }, HardwareCodecs.DecodeArguments(1));
        Assert.Contains("cuda=gpu:2", HardwareCodecs.DecodeProbeArguments(2));
    }

    [Fact]
    public void NvencIsProbedAtTheOutputsSizeOnTheModelsGpu()
    {
        var probe = string.Join(" ", HardwareCodecs.EncodeProbeArguments(1919, 1081, 3));
        Assert.Contains("color=s=1920x1082", probe);
        Assert.Contains("-c:v h264_nvenc -gpu 3", probe);
    }

    [Theory]
    [InlineData(4097, 2160)]
    [InlineData(2160, 4097)]
    [InlineData(7680, 4320)]
    public void H264NvencIsRefusedAbove4096PixelsASideWithoutAsking(int width, int height)
    {
        var problem = HardwareCodecs.EncodeProblemAt(width, height, 0);
        Assert.Contains("at most 4096 pixels a side", problem);
        Assert.Contains($"{width}x{height}", problem);
    }

    [Fact]
    public void NvencArgumentsNameTheGpuAndApplyOnlyToColourMp4()
    {
        var colour = string.Join(" ", OutputFormat.Mp4.VideoArguments(FramePixels.Rgb, 64, 64, null, null, nvenc: true, nvencDevice: 1));
        Assert.Contains("-c:v h264_nvenc -gpu 1", colour);
        Assert.DoesNotContain("nvenc", string.Join(" ", OutputFormat.Mp4.VideoArguments(FramePixels.Gray, 64, 64, null, null, nvenc: true, nvencDevice: 1)));
        Assert.True(OutputFormat.Mp4.EncodesWithNvenc(FramePixels.Rgb));
        Assert.False(OutputFormat.Mp4.EncodesWithNvenc(FramePixels.Gray));
        Assert.False(OutputFormat.Mov.EncodesWithNvenc(FramePixels.Rgb));
    }

    [Fact]
    public void NvencFailingToOpenDuringARunIsAnErrorNamingHardwareVideo()
    {
        if (ModelFixture.ExpectCuda) return;
        // No NVIDIA driver here, so h264_nvenc cannot open: as on a GeForce card past its session limit.
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rvm-nvenc-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(folder);
        try
        {
            var final = System.IO.Path.Combine(folder, "comp.mp4");
            var e = Assert.ThrowsAny<System.IO.IOException>(() =>
            {
                using var writer = new VideoFileWriter(final, System.IO.Path.Combine(folder, "comp.tmp.mp4"), "tag", OutputFormat.Mp4, FramePixels.Rgb, 64, 64,
                    new Rational(1, 25), TimeSpan.Zero, null, null, null, 10, default, nvenc: true, nvencDevice: 0);
                var frame = new byte[3 * 64 * 64];
                for (int i = 0; i < 10; i++) writer.Write(i, frame);
                writer.Finish();
            });
            Assert.Contains("comp.mp4", e.Message);
            Assert.Contains("encoded with NVENC because of -HardwareVideo", e.Message);
        }
        finally { System.IO.Directory.Delete(folder, true); }
    }

    [Theory]
    [InlineData("[h264 @ 0x5581] [error] Hardware is lacking required capabilities")]
    [InlineData("[h264 @ 0x5581] [error] Failed setup for format cuda: hwaccel initialisation returned error.")]
    [InlineData("[hevc @ 0x5581] [error] Video width 8192 not within range from 144 to 4096")]
    [InlineData("[av1 @ 0x5581] [error] Your platform doesn't support hardware accelerated AV1 decoding.")]
    public void NvdecGivingUpIsNotDamage(string line) => Assert.True(NvdecLog.IsCapabilityFailure(line));

    [Theory]
    [InlineData("[h264 @ 0x5581] [error] error while decoding MB 38 21, bytestream -7")]
    [InlineData("[h264 @ 0x5581] [error] Invalid NAL unit size (1208 > 611).")]
    [InlineData("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] [error] moov atom not found")]
    [InlineData("[in#0/mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] [fatal] Error opening input: Invalid data found when processing input")]
    public void DamageIsStillDamage(string line) => Assert.False(NvdecLog.IsCapabilityFailure(line));

    [Fact]
    public void VerboseNamesNvencOnlyForTheOutputsItEncodes()
    {
        var log = new List<string>();
        var outputs = new[]
        {
            new PlannedOutput("/v/comp.mp4", OutputKind.Composition, OutputFormat.Mp4, "t"),
            new PlannedOutput("/v/alpha.mp4", OutputKind.Alpha, OutputFormat.Mp4, "t"),
            new PlannedOutput("/v/fgr.mov", OutputKind.Foreground, OutputFormat.Mov, "t"),
        };
        var asked = new List<string>();
        var choice = HardwareVideoChoice.For(1, 1920, 1080, true, outputs,
            d => { asked.Add($"decode {d}"); return null; },
            (w, h, d) => { asked.Add($"encode {w}x{h} {d}"); return null; }, log.Add);
        Assert.True(choice.Decode);
        Assert.True(choice.Nvenc);
        Assert.Equal(1, choice.Device);
        Assert.Equal(new[] { "decode 1", "encode 1920x1080 1" }, asked);
        var nvenc = Assert.Single(log, l => l.Contains("NVENC"));
        Assert.Contains("'/v/comp.mp4'", nvenc);
        Assert.DoesNotContain("alpha", nvenc);
        Assert.DoesNotContain("fgr", nvenc);
        Assert.Contains(log, l => l.Contains("-hwaccel_device 1"));
    }

    [Fact]
    public void WithoutAColourMp4NvencIsNeitherProbedNorClaimed()
    {
        var log = new List<string>();
        var choice = HardwareVideoChoice.For(0, 640, 480, false, new[] { new PlannedOutput("/v/alpha.mp4", OutputKind.Alpha, OutputFormat.Mp4, "t") },
            d => throw new InvalidOperationException("a folder input is not decoded by ffmpeg"),
            (w, h, d) => throw new InvalidOperationException("nothing to encode with NVENC"), log.Add);
        Assert.False(choice.Decode);
        Assert.False(choice.Nvenc);
        Assert.Equal("NVENC is not used: no output is a colour .mp4 (the matte and other formats are encoded on the CPU).", Assert.Single(log));
    }

    [Fact]
    public void WhereTheProbesFailTheCpuCodecsAreUsedAndVerboseSaysWhy()
    {
        var log = new List<string>();
        var choice = HardwareVideoChoice.For(0, 5120, 2880, true, new[] { new PlannedOutput("/v/comp.mp4", OutputKind.Composition, OutputFormat.Mp4, "t") },
            d => "Cannot load libcuda.so.1", HardwareCodecs.EncodeProblemAt, log.Add);
        Assert.False(choice.Decode);
        Assert.False(choice.Nvenc);
        Assert.Contains(log, l => l.Contains("Cannot load libcuda.so.1") && l.Contains("decoding on the CPU"));
        Assert.Contains(log, l => l.Contains("at most 4096 pixels a side") && l.Contains("encoding '/v/comp.mp4' on the CPU"));
    }
}

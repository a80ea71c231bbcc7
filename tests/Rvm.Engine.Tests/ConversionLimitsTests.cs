using System;
using System.IO;
using Rvm.Diagnostics;
using Rvm.IO;
using Rvm.Matting;
using Rvm.Media;
using Xunit;

namespace Rvm.Tests;

public sealed class MemoryEstimateTests
{
    private static MemoryEstimate CompositionAndAlpha(int width, int height, float ratio, bool cut) =>
        MemoryEstimate.For(width, height, ratio, cut, networkOnCpu: true, composition: true, transparent: false, alpha: true, foreground: false,
            BackgroundKind.Colour);

    // Peak RSS of pwsh with its ffmpeg processes, composition and alpha .mp4 out, measured here (see MemoryEstimate).
    [Theory]
    [InlineData(1280, 720, 0.4f, true, 630)]
    [InlineData(1920, 1080, 512f / 1920, true, 695)]
    [InlineData(3840, 2160, 512f / 3840, true, 1226)]
    [InlineData(1920, 1080, 1f, false, 1851)]
    [InlineData(3840, 2160, 0.5f, true, 2578)]
    [InlineData(3840, 2160, 1f, false, 6092)]
    public void EstimateIsWithinFifteenPercentOfTheMeasuredPeak(int width, int height, float ratio, bool cut, int measuredMiB)
    {
        double estimatedMiB = CompositionAndAlpha(width, height, ratio, cut).TotalBytes / (double)(1 << 20);
        Assert.InRange(estimatedMiB, measuredMiB * 0.85, measuredMiB * 1.15);
    }

    [Fact]
    public void TheWholeGraphAtRatioOneCostsFarMoreThanTheCoefficientCut()
    {
        var cut = CompositionAndAlpha(3840, 2160, 0.125f, cut: true);
        var whole = CompositionAndAlpha(3840, 2160, 1f, cut: false);
        Assert.True(whole.NetworkBytes > 20 * cut.NetworkBytes, $"{whole.NetworkBytes} vs {cut.NetworkBytes}");
        Assert.True(whole.TotalBytes > 4 * cut.TotalBytes);
    }

    [Fact]
    public void ANetworkOnTheGpuTakesNoHostMemoryAndEachOutputAddsAnEncoder()
    {
        var gpu = MemoryEstimate.For(1920, 1080, 1f, false, networkOnCpu: false, true, false, true, false, BackgroundKind.Colour);
        Assert.Equal(0, gpu.NetworkBytes);
        var one = MemoryEstimate.For(1920, 1080, 0.25f, true, true, true, false, false, false, BackgroundKind.Colour);
        var three = MemoryEstimate.For(1920, 1080, 0.25f, true, true, true, false, true, true, BackgroundKind.Colour);
        Assert.Equal(2 * (MemoryEstimate.FfmpegBaseBytes + MemoryEstimate.FfmpegBytesPerPixel * 1920 * 1080), three.FfmpegBytes - one.FfmpegBytes);
        var video = MemoryEstimate.For(1920, 1080, 0.25f, true, true, true, false, false, false, BackgroundKind.Video);
        Assert.True(video.FfmpegBytes > one.FfmpegBytes && video.FrameBytes > one.FrameBytes);
    }

    [Fact]
    public void MatteControlsCountTheirPlanes()
    {
        long pixels = 1920 * 1080;
        MemoryEstimate With(MatteControls? matte) => MemoryEstimate.For(1920, 1080, 0.25f, true, true, true, false, false, false, BackgroundKind.Colour, matte);
        long none = With(null).FrameBytes;
        Assert.Equal(none, With(new MatteControls()).FrameBytes);
        Assert.Equal(none + 4 * pixels, With(new MatteControls { Feather = 3, ThresholdLow = 0.1f }).FrameBytes);
        Assert.Equal(none + 4 * pixels + 4L * 1920 * (1080 + 2 * 20), With(new MatteControls { Grow = -20 }).FrameBytes);
        Assert.Equal(none + 8 * pixels, With(new MatteControls { TemporalSmoothing = 0.5f }).FrameBytes);
    }

    [Fact]
    public void ABlurredBackgroundCountsTheWholeAlphaOrTheFramesKeptWithTheMattes()
    {
        long pixels = 1920 * 1080;
        var cut = MemoryEstimate.For(1920, 1080, 0.25f, true, true, true, false, false, false, BackgroundKind.Colour);
        var cutBlur = MemoryEstimate.For(1920, 1080, 0.25f, true, true, true, false, false, false, BackgroundKind.Blur);
        Assert.Equal(4 * pixels, cutBlur.FrameBytes - cut.FrameBytes);
        Assert.Equal(cut.FfmpegBytes, cutBlur.FfmpegBytes);
        // The whole graph at 1080p: three mattes of 16 bytes a pixel fit the 100 MiB budget, so three frames more.
        Assert.Equal(3, ConversionJob.MatteBudgetBytes / (16 * pixels));
        var whole = MemoryEstimate.For(1920, 1080, 1f, false, true, true, false, false, false, BackgroundKind.Colour);
        var wholeBlur = MemoryEstimate.For(1920, 1080, 1f, false, true, true, false, false, false, BackgroundKind.Blur);
        Assert.Equal(3 * 3 * pixels, wholeBlur.FrameBytes - whole.FrameBytes);
        // Without a composition nothing is blurred.
        Assert.Equal(MemoryEstimate.For(1920, 1080, 0.25f, true, true, false, false, true, false, BackgroundKind.Colour).FrameBytes,
            MemoryEstimate.For(1920, 1080, 0.25f, true, true, false, false, true, false, BackgroundKind.Blur).FrameBytes);
    }

    [Theory]
    [InlineData(16000, 16000, true)]
    [InlineData(16200, 16200, true)]
    [InlineData(16300, 16300, false)]
    [InlineData(16384, 16384, false)]
    [InlineData(32768, 4000, true)]
    public void FfmpegPictureSizeRuleMatchesWhatFfmpegAccepts(int width, int height, bool accepted) =>
        // Each case was tried with ffmpeg 5 here (scale to that size, rawvideo out): "Picture size ... is invalid" past the rule.
        Assert.Equal(accepted, ConversionLimits.FfmpegCanHold(width, height));

    [Fact]
    public void LargestFittingKeepsTheShapeAndEvenSizes()
    {
        var (w, h) = ConversionLimits.LargestFitting(16384, 16384, ConversionLimits.FfmpegCanHold);
        Assert.Equal(w, h);
        Assert.True(ConversionLimits.FfmpegCanHold(w, h));
        Assert.Equal(0, w % 2);
        Assert.True(w >= 16000);
        Assert.Equal((0, 0), ConversionLimits.LargestFitting(640, 480, (_, _) => false));
    }

    [Theory]
    [InlineData(120, "0.025")]
    [InlineData(1080, "0.003")]
    [InlineData(3, "1")]
    public void SmallestRatioGivesTheNetworkThreePixels(int side, string ratio) => Assert.Equal(ratio, ConversionLimits.SmallestRatio(side));

    [Fact]
    public void TheDefaultLimitIsHalfOfThisMachine()
    {
        Assert.True(MachineMemory.TotalBytes > 256L << 20, $"{MachineMemory.TotalBytes}");
        Assert.Equal(MachineMemory.TotalBytes / 2, MachineMemory.DefaultLimitBytes);
    }

    [Theory]
    [InlineData(512L << 20, "512 MB")]
    [InlineData(5905580032L, "5.5 GB")]
    public void FormatIsShort(long bytes, string text) => Assert.Equal(text, MemoryEstimate.Format(bytes));
}

public sealed class FrameRateParameterTests
{
    [Theory]
    [InlineData("30", 30, 1)]
    [InlineData("30000/1001", 30000, 1001)]
    [InlineData("29.97", 29970, 1000)]
    [InlineData("1000", 1000, 1)]
    [InlineData("1/60", 1, 60)]
    public void TakesRealRates(string text, long numerator, long denominator)
    {
        var rate = FrameRateParameter.Parse(text);
        Assert.Equal((numerator, denominator), (rate.Numerator, rate.Denominator));
    }

    [Theory]
    [InlineData("1e30", "out of range")]
    [InlineData("1001", "out of range")]
    [InlineData("0", "out of range")]
    [InlineData("-5", "out of range")]
    [InlineData("99999999999/1", "out of range")]
    [InlineData("1/99999999999", "out of range")]
    [InlineData("fast", "is not a frame rate")]
    [InlineData("30/0", "is not a frame rate")]
    public void RefusesWhatFfmpegCannotUse(string text, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => FrameRateParameter.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains(why, e.Message);
    }
}

public sealed class TemporaryFolderTests
{
    [Fact]
    public void AFolderThatCannotBeWrittenIsNamed()
    {
        var file = Path.GetTempFileName();
        try
        {
            // A folder below a file can never be created, even by root.
            var folder = Path.Combine(file, "sub");
            var e = Assert.Throws<UnauthorizedAccessException>(() => TemporaryFolder.CreateFile(folder, ".ppm"));
            Assert.Contains($"'{folder}'", e.Message);
            Assert.Contains("TMPDIR", e.Message);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void CreatesAnEmptyFileWithAFreshName()
    {
        var a = TemporaryFolder.CreateFile(Path.GetTempPath(), ".ppm");
        var b = TemporaryFolder.CreateFile(Path.GetTempPath(), ".ppm");
        try
        {
            Assert.NotEqual(a, b);
            Assert.Equal(0, new FileInfo(a).Length);
            Assert.EndsWith(".ppm", a);
        }
        finally
        {
            File.Delete(a);
            File.Delete(b);
        }
    }
}

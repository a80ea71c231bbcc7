using System;
using System.Diagnostics;
using System.IO;
using Rvm.Diagnostics;
using Xunit;

namespace Rvm.Tests;

/// <summary>The helpers the device check (tests/device/DeviceCheck.ps1) uses, on the CPU.</summary>
public sealed class DeviceDiagnosticsTests
{
    [Fact]
    public void InputPlacementSaysEveryInputOfACpuSessionIsInHostMemory() => BindingProtocolTests.WithPassThroughModel(false, model =>
    {
        var placement = InputPlacement.Of(model);
        Assert.Equal(new[] { "downsample_ratio", "r1i", "r2i", "r3i", "r4i", "src" }, placement.Keys);
        Assert.All(placement.Values, where => Assert.Equal("CPU:0 (Cpu)", where));
    });

    [Fact]
    public void MatteComparisonMeasuresTheMeanAbsoluteDifference()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rvm-mae-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string black = Gray(folder, "black", "black"), gray = Gray(folder, "gray", "0x333333");
            Assert.Equal(0, MatteComparison.MeanAbsoluteError(black, black, 32, 16));
            Assert.Equal(51 / 255.0, MatteComparison.MeanAbsoluteError(black, gray, 32, 16), 6);
            var shorter = Gray(folder, "short", "black", frames: 2);
            Assert.Throws<InvalidOperationException>(() => MatteComparison.MeanAbsoluteError(black, shorter, 32, 16));
        }
        finally { Directory.Delete(folder, true); }
    }

    /// <summary>A lossless (FFV1) gray video of one colour, as the device check's mattes are.</summary>
    private static string Gray(string folder, string name, string colour, int frames = 4)
    {
        var path = Path.Combine(folder, name + ".mkv");
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-f", "lavfi", "-i", $"color=c={colour}:s=32x16:r=10", "-frames:v", frames.ToString(), "-c:v", "ffv1", "-pix_fmt", "gray", path })
            info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info)!;
        ffmpeg.WaitForExit();
        Assert.Equal(0, ffmpeg.ExitCode);
        return path;
    }
}

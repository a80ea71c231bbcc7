using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rvm.Media;
using Xunit;

namespace Rvm.Tests;

public sealed class FfmpegLocatorTests
{
    private static readonly string Bin = Path.Combine(Path.GetTempPath(), "ff mpeg", "bin");

    private static bool OnlyIn(string folder, string path) => Path.GetDirectoryName(path) == folder;

    [Fact]
    public void AQuotedWindowsPathEntryIsFoundAndAnInvalidOneSkipped()
    {
        var path = string.Join(";", "C:\\Windows\\system32", "C:\\bad|entry", "", "  ", $"\"{Bin}\"", "C:\\later");
        var entries = FfmpegLocator.PathEntries(path, ';', windows: true).ToList();
        Assert.Equal(new[] { "C:\\Windows\\system32", Bin, "C:\\later" }, entries);
        Assert.Equal(Path.GetFullPath(Bin), FfmpegLocator.Locate(null, path, ';', windows: true, p => OnlyIn(Bin, p)));
    }

    [Fact]
    public void TheSettingWinsOverPathAndMayNameFfmpegItself()
    {
        var onPath = Path.Combine(Path.GetTempPath(), "other");
        bool Exists(string p) => OnlyIn(Bin, p) || OnlyIn(onPath, p);
        Assert.Equal(Path.GetFullPath(Bin), FfmpegLocator.Locate(Bin, onPath, ':', windows: false, Exists));
        Assert.Equal(Path.GetFullPath(Bin), FfmpegLocator.Locate(Path.Combine(Bin, "ffmpeg"), onPath, ':', windows: false, Exists));
        Assert.Equal(Path.GetFullPath(onPath), FfmpegLocator.Locate("  ", onPath, ':', windows: false, Exists));
        var folderNamedFfmpeg = Path.Combine(Path.GetTempPath(), "ffmpeg");
        Assert.Equal(Path.GetFullPath(folderNamedFfmpeg), FfmpegLocator.Locate(folderNamedFfmpeg, onPath, ':', windows: false, p => OnlyIn(folderNamedFfmpeg, p)));
    }

    [Fact]
    public void ASettingWithoutFfmpegIsAnErrorNamingIt()
    {
        var wrong = Path.Combine(Path.GetTempPath(), "no-ffmpeg-here");
        var e = Assert.Throws<FfmpegNotFoundException>(() =>
            FfmpegLocator.Locate(wrong, Bin, ':', windows: false, p => OnlyIn(Bin, p)));
        Assert.Contains(FfmpegLocator.SettingName, e.Message);
        Assert.Contains(wrong, e.Message);
    }

    [Fact]
    public void NeitherToolOnPathIsAnErrorWithTheAdvice()
    {
        var seen = new List<string>();
        var e = Assert.Throws<FfmpegNotFoundException>(() =>
            FfmpegLocator.Locate(null, "\"C:\\a\";C:\\b", ';', windows: true, p => { seen.Add(p); return p.EndsWith("ffmpeg.exe"); }));
        Assert.Contains(FfmpegLocator.InstallAdvice, e.Message);
        Assert.Contains(Path.Combine("C:\\a", "ffprobe.exe"), seen);
    }
}

using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Rvm.Imaging;
using Rvm.IO;
using Rvm.Matting;
using Xunit;

namespace Rvm.Tests;

/// <summary>Preview sheets: which frames, where the tiles lie, the labels, and what a bad source does.</summary>
public sealed class PreviewSheetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rvm-preview-{Guid.NewGuid():N}");

    public PreviewSheetTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void FramesAreTheMiddlesOfEqualParts()
    {
        Assert.Equal(new long[] { 10, 30, 50, 70, 90 }, PreviewSheetLayout.PickFrames(100, 5));
        Assert.Equal(new long[] { 50 }, PreviewSheetLayout.PickFrames(100, 1));
        var picks = PreviewSheetLayout.PickFrames(7, 6);
        Assert.Equal(picks.Distinct().Count(), picks.Count);
        Assert.All(picks, p => Assert.InRange(p, 0, 6));
    }

    [Fact]
    public void AShortVideoShowsEveryFrameAndAnEmptyOneNone()
    {
        Assert.Equal(new long[] { 0, 1, 2 }, PreviewSheetLayout.PickFrames(3, 6));
        Assert.Empty(PreviewSheetLayout.PickFrames(0, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => PreviewSheetLayout.PickFrames(10, 0));
    }

    [Fact]
    public void A1080pSheetOfThreeColumnsFitsAScreenWide()
    {
        var layout = new PreviewSheetLayout(1920, 1080, 3, 6);
        Assert.True(layout.Width <= PreviewSheetLayout.MaxWidth, $"{layout.Width} px wide");
        Assert.Equal(0, layout.TileWidth % 2);
        Assert.Equal(0, layout.TileHeight % 2);
        Assert.InRange(layout.TileHeight * 16.0 / layout.TileWidth, 8.9, 9.1);
        // Tiles side by side with a gap, rows one under the other, nothing past the edge.
        Assert.True(layout.TileX(1) >= layout.TileX(0) + layout.TileWidth + PreviewSheetLayout.Gap - 1);
        Assert.True(layout.TileY(1) >= layout.TileY(0) + layout.TileHeight + PreviewSheetLayout.LabelHeight);
        Assert.True(layout.TileX(2) + layout.TileWidth <= layout.Width);
        Assert.True(layout.TileY(5) + layout.TileHeight <= layout.Height);
    }

    [Fact]
    public void TilesAreNeverLargerThanTheVideo()
    {
        var layout = new PreviewSheetLayout(320, 240, 2, 1);
        Assert.Equal((320, 240), (layout.TileWidth, layout.TileHeight));
        Assert.Equal(2 * 320 + 3 * PreviewSheetLayout.Gap, layout.Width);
    }

    [Fact]
    public void LabelsGiveTheFrameNumberAndItsTime()
    {
        Assert.Equal("#120  0:04.00", PreviewSheetWriter.Label(120, 30));
        Assert.Equal("#3597  2:00.02", PreviewSheetWriter.Label(3597, 30000.0 / 1001));
        Assert.Equal("#5", PreviewSheetWriter.Label(5, 0));
    }

    [Fact]
    public void TheLabelIsDrawnAboveEachRowAndTilesHoldTheirPixels()
    {
        var layout = new PreviewSheetLayout(16, 16, 2, 1);
        var sheet = PreviewSheetWriter.Render(layout, new long[] { 8 }, 10,
            new Func<int, int, int, (byte, byte, byte)>[] { (_, _, _) => (200, 10, 10), (_, i, _) => ((byte)i, (byte)i, (byte)i) });
        byte At(int x, int y, int c) => sheet[(y * layout.Width + x) * 3 + c];
        Assert.Equal(200, At(layout.TileX(0), layout.TileY(0), 0));
        Assert.Equal(5, At(layout.TileX(1) + 5, layout.TileY(0), 1));
        var label = Enumerable.Range(0, layout.Width).SelectMany(x => Enumerable.Range(layout.LabelY(0), PreviewSheetLayout.LabelHeight).Select(y => At(x, y, 0)));
        Assert.Contains((byte)230, label);
    }

    [Fact]
    public void FindTakesTheOutputsBesideTheInputByTheDefaultNames()
    {
        File.WriteAllText(P("take.mp4"), "x");
        File.WriteAllText(P("take.alpha.mov"), "x");
        File.WriteAllText(P("take.composition.mp4"), "x");
        var sources = PreviewSources.Find(P("take.mp4"), null, null, null);
        Assert.Equal(P("take.alpha.mov"), sources.AlphaPath);
        Assert.Equal(P("take.composition.mp4"), sources.CompositionPath);
        Assert.Equal(P("take.preview.png"), PreviewSheetWriter.SheetPath(sources, null));
    }

    [Fact]
    public void AMissingAlphaOutputIsAnErrorNamingItAndNoSheetIsLeft()
    {
        var input = MakeVideo("in.mp4", "testsrc2=size=64x48:rate=10");
        var missing = P("in.alpha.mp4");
        var sheet = P("in.preview.png");
        var e = Assert.Throws<FileNotFoundException>(() =>
            PreviewSheetWriter.Write(new PreviewSources(input, missing, null), sheet, 4, force: false));
        Assert.Contains(missing, e.Message);
        Assert.Empty(Directory.GetFiles(_dir, "*.png*").Concat(Directory.GetFiles(_dir, ".*")));
    }

    [Fact]
    public void AnOutputThatIsNotAVideoIsNamedAndNothingIsLeft()
    {
        var input = MakeVideo("bad.mp4", "testsrc2=size=64x48:rate=10");
        var garbage = P("bad.composition.mp4");
        File.WriteAllText(garbage, "not a video");
        var e = Assert.Throws<InvalidDataException>(() => PreviewSheetWriter.Write(PreviewSources.Find(input, null, null, null), P("bad.preview.png"), 3, force: false));
        Assert.Contains(garbage, e.Message);
        Assert.Equal(new[] { "bad.composition.mp4", "bad.mp4" }, Directory.GetFiles(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void NoOutputAtAllSaysWhichNamesWereLookedFor()
    {
        var input = MakeVideo("lonely.mp4", "testsrc2=size=64x48:rate=10");
        var e = Assert.Throws<FileNotFoundException>(() => PreviewSources.Find(input, null, null, null).Validate());
        Assert.Contains("lonely.alpha.*", e.Message);
    }

    [Fact]
    public void AnExistingSheetIsKeptWithoutForce()
    {
        var input = MakeVideo("clip.mp4", "testsrc2=size=64x48:rate=10");
        var alpha = MakeVideo("clip.alpha.mp4", "gradients=size=64x48:rate=10");
        var sheet = P("clip.preview.png");
        File.WriteAllText(sheet, "old");
        var e = Assert.Throws<OutputConflictException>(() => PreviewSheetWriter.Write(new PreviewSources(input, alpha, null), sheet, 2, force: false));
        Assert.Equal(OutputConflict.Exists, e.Conflict);
        Assert.Equal("old", File.ReadAllText(sheet));
        PreviewSheetWriter.Write(new PreviewSources(input, alpha, null), sheet, 2, force: true);
        var picture = ImageFileReader.Read(sheet);
        var layout = new PreviewSheetLayout(64, 48, 2, 2);
        Assert.Equal((layout.Width, layout.Height), (picture.Width, picture.Height));
        // The matte tile is grey: red, green and blue equal.
        int o = ((layout.TileY(1) + 20) * layout.Width + layout.TileX(1) + 30) * 3;
        Assert.Equal(picture.Pixels[o], picture.Pixels[o + 1]);
        Assert.Equal(picture.Pixels[o], picture.Pixels[o + 2]);
    }

    [Fact]
    public void ATransparentWebmCompositionAloneGivesTheMatteFromItsAlpha()
    {
        var input = MakeVideo("see.mp4", "testsrc2=size=64x48:rate=10");
        // Alpha rising left to right; VP9 keeps it beside the picture, which only libvpx decodes.
        var composition = MakeVideo("see.composition.webm", "testsrc2=size=64x48:rate=10,format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='X*4'",
            "-c:v libvpx-vp9 -pix_fmt yuva420p -metadata:s:v:0 alpha_mode=1");
        var sheet = P("see.preview.png");
        PreviewSheetWriter.Write(PreviewSources.Find(input, null, null, null), sheet, 1, force: false);
        var picture = ImageFileReader.Read(sheet);
        var layout = new PreviewSheetLayout(64, 48, 3, 1);
        Assert.Equal(layout.Width, picture.Width);
        byte Matte(int x) => picture.Pixels[((layout.TileY(0) + 24) * layout.Width + layout.TileX(1) + x) * 3];
        Assert.InRange((int)Matte(2), 0, 24);
        Assert.InRange((int)Matte(60), 216, 255);
        Assert.Equal(Matte(30), picture.Pixels[((layout.TileY(0) + 24) * layout.Width + layout.TileX(1) + 30) * 3 + 1]);
    }

    private string MakeVideo(string name, string source, string codec = "-pix_fmt yuv420p")
    {
        var path = P(name);
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", $"-v error -f lavfi -i \"{source}\" -t 1 {codec} \"{path}\"") { UseShellExecute = false })!;
        ffmpeg.WaitForExit();
        Assert.Equal(0, ffmpeg.ExitCode);
        return path;
    }
}

using System;
using System.IO;
using Rvm.Imaging;
using Rvm.Matting;
using Rvm.Media;
using Xunit;

namespace Rvm.Tests;

/// <summary>The names the engine gives outputs nobody named, and -Background read in one place.</summary>
public sealed class OutputNamingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rvm-naming-{Guid.NewGuid():N}");

    public OutputNamingTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private string P(params string[] parts) => Path.Combine(_dir, Path.Combine(parts));

    [Fact]
    public void VideoOutputsGoBesideTheInputAsMp4ByDefault()
    {
        var request = new ConversionRequest { Input = P("clip.mov") };
        OutputNaming.NameOutputs(request, null, new[] { OutputKind.Composition, OutputKind.Foreground }, null);
        Assert.Equal(P("clip.composition.mp4"), request.CompositionPath);
        Assert.Null(request.AlphaPath);
        Assert.Equal(P("clip.foreground.mp4"), request.ForegroundPath);
    }

    [Fact]
    public void ATransparentCompositionDefaultsToMovAndAContainerWins()
    {
        var request = new ConversionRequest { Input = P("clip.mp4"), Background = Background.Transparent };
        OutputNaming.NameOutputs(request, P("out"), new[] { OutputKind.Composition }, null);
        Assert.Equal(P("out", "clip.composition.mov"), request.CompositionPath);

        OutputNaming.NameOutputs(request, P("out"), new[] { OutputKind.Alpha }, OutputFormat.Mkv);
        Assert.Null(request.CompositionPath);
        Assert.Equal(P("out", "clip.alpha.mkv"), request.AlphaPath);
    }

    [Fact]
    public void AFolderInputKeepsItsWholeNameAndPngOutputsAreFolders()
    {
        Directory.CreateDirectory(P("shots.v2"));
        var request = new ConversionRequest { Input = P("shots.v2") + Path.DirectorySeparatorChar, PngSequence = true };
        OutputNaming.NameOutputs(request, null, new[] { OutputKind.Alpha }, OutputFormat.Mp4);
        Assert.Equal(P("shots.v2.alpha"), request.AlphaPath);
    }

    [Fact]
    public void BackgroundTextIsAWordAColourOrAFile()
    {
        Func<string, string> resolve = text => P(text);
        Assert.Same(Background.Transparent, Background.Parse("transparent", resolve));
        var colour = Background.Parse("#ff0000", resolve);
        Assert.Equal(BackgroundKind.Colour, colour.Kind);
        Assert.Equal(new RgbColor(255, 0, 0), colour.Colour);

        var missing = Assert.Throws<ArgumentException>(() => Background.Parse("nowhere.png", resolve));
        Assert.Contains("-Background 'nowhere.png' is neither a colour", missing.Message);
        var notColour = Assert.Throws<ArgumentException>(() => Background.Parse("nowhere.png", resolve, files: false));
        Assert.Contains("is not a colour", notColour.Message);
    }
}

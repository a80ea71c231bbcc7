using System;
using System.IO;
using Rvm.Imaging;
using Rvm.Media;
using Xunit;

namespace Rvm.Tests;

/// <summary>PNG text chunks: how a picture Rvm writes carries its provenance tag.</summary>
public sealed class PngTextTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rvm-pngtext-{Guid.NewGuid():N}");

    public PngTextTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void TextPutAfterTheHeaderIsReadBackAndThePictureIsUnchanged()
    {
        var pixels = new byte[5 * 3 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 17);
        var plain = Path.Combine(_dir, "plain.png");
        PngEncoder.WriteRgb8(plain, 5, 3, pixels);
        Assert.Null(PngText.Read(plain, "Comment"));

        var tag = OutputProvenance.TagFor("preview", Path.Combine(_dir, "in put é.mp4"), Path.Combine(_dir, "x.preview.png"));
        var tagged = Path.Combine(_dir, "tagged.png");
        File.WriteAllBytes(tagged, PngText.WithText(File.ReadAllBytes(plain), "Comment", tag));
        Assert.Equal(tag, PngText.Read(tagged, "Comment"));
        Assert.Null(PngText.Read(tagged, "Title"));
        Assert.Equal("preview", OutputProvenance.FromPng(tagged)!.Kind);
        // ffmpeg still decodes it, to the same pixels.
        var picture = ImageFileReader.Read(tagged);
        Assert.Equal((5, 3), (picture.Width, picture.Height));
        Assert.Equal(pixels, picture.Pixels);
    }

    [Fact]
    public void OtherFilesHaveNoText()
    {
        var text = Path.Combine(_dir, "not.png");
        File.WriteAllText(text, "rvm-output/1 kind=alpha source=x");
        Assert.Null(PngText.Read(text, "Comment"));
        Assert.Null(PngText.Read(Path.Combine(_dir, "missing.png"), "Comment"));
        Assert.Throws<InvalidDataException>(() => PngText.WithText(new byte[40], "Comment", "x"));
    }
}

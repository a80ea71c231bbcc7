using System;
using System.IO;
using Rvm.Matting;
using Rvm.Media;
using Xunit;

namespace Rvm.Tests;

/// <summary>-OutputName: the template's names, and the templates refused before any input.</summary>
public sealed class OutputNameTemplateTests
{
    private static readonly OutputKind[] CompositionAndAlpha = { OutputKind.Composition, OutputKind.Alpha };
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "rvm-names");

    private static ConversionRequest Named(string input, string template, OutputKind[] kinds, bool png = false, string? destination = null)
    {
        var request = new ConversionRequest { Input = Path.Combine(Folder, input), PngSequence = png };
        OutputNaming.NameOutputs(request, destination, kinds, null, OutputNameTemplate.Parse(template, kinds));
        return request;
    }

    [Fact]
    public void BaseNameAndKindFillTheTemplateAndTheExtensionFollows()
    {
        var request = Named("interview take 3.mov", "{0}_{1}", CompositionAndAlpha);
        Assert.Equal(Path.Combine(Folder, "interview take 3_composition.mp4"), request.CompositionPath);
        Assert.Equal(Path.Combine(Folder, "interview take 3_alpha.mp4"), request.AlphaPath);
        Assert.Null(request.ForegroundPath);
    }

    [Fact]
    public void PngSequencesAreFoldersNamedByTheTemplateUnderTheDestination()
    {
        var destination = Path.Combine(Folder, "out");
        var request = Named("clip.mp4", "{1}-of-{0}", new[] { OutputKind.Alpha }, png: true, destination: destination);
        Assert.Equal(Path.Combine(destination, "alpha-of-clip"), request.AlphaPath);
    }

    [Fact]
    public void OneKindNeedsNoKindPlaceholderAndBracesAreWrittenTwice()
    {
        Assert.Equal(Path.Combine(Folder, "clip matte.mp4"), Named("clip.mov", "{0} matte", new[] { OutputKind.Alpha }).AlphaPath);
        Assert.Equal(Path.Combine(Folder, "{clip}.alpha.mp4"), Named("clip.mov", "{{{0}}}.{1}", new[] { OutputKind.Alpha }).AlphaPath);
    }

    [Fact]
    public void AnInputNamedLikeAnOptionStaysAFileInTheFolder()
    {
        var request = Named("-y.mp4", "{0}_{1}", new[] { OutputKind.Composition });
        Assert.Equal(Path.Combine(Folder, "-y_composition.mp4"), request.CompositionPath);
    }

    [Fact]
    public void NoTemplateIsRvmsOwnNames()
    {
        Assert.Same(OutputNameTemplate.Default, OutputNameTemplate.Parse(null, CompositionAndAlpha));
        Assert.Equal(Path.Combine(Folder, "clip.alpha.mp4"), Named("clip.mov", "", CompositionAndAlpha).AlphaPath);
    }

    [Theory]
    [InlineData("{1}", "has no {0}")]
    [InlineData("matte", "has no {0}")]
    [InlineData("{0}_{2}", "unknown placeholder '{2}'")]
    [InlineData("{0:x}_{1}", "unknown placeholder '{0:x}'")]
    [InlineData("{0}_{1", "unknown placeholder '{1'")]
    [InlineData("{0}}_{1}", "closes nothing")]
    [InlineData("mattes/{0}_{1}", "'/', which file names cannot hold")]
    [InlineData("{0}:{1}", "':', which file names cannot hold")]
    [InlineData("{0}\t{1}", "'\\u0009', which file names cannot hold")]
    [InlineData("{0}", "has no {1}: the composition and alpha of one input would have the same name")]
    public void ABadTemplateIsRefusedByNameWithTheReason(string template, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => OutputNameTemplate.Parse(template, CompositionAndAlpha));
        Assert.StartsWith($"-OutputName '{template}' has ", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.EndsWith("e.g. '{0}_{1}'.", e.Message);
    }
}

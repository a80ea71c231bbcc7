using Rvm.Media;

namespace Rvm.Matting;

/// <summary>One output of a plan: where it goes, what it shows, how it is written, and the tag that says where it came from.</summary>
internal sealed class PlannedOutput
{
    public PlannedOutput(string path, OutputKind kind, OutputFormat format, string tag)
    {
        Path = path;
        Kind = kind;
        Format = format;
        Tag = tag;
    }

    public string Path { get; }
    public OutputKind Kind { get; }
    public OutputFormat Format { get; }
    public string Tag { get; }

    /// <summary>What this output's encoder is given: the matte alone, colour, or colour with alpha (a composition over nothing).</summary>
    public FramePixels PixelsOver(Background background) =>
        Kind == OutputKind.Alpha ? FramePixels.Gray
        : Kind == OutputKind.Composition && background.IsTransparent ? FramePixels.Rgba
        : FramePixels.Rgb;
}

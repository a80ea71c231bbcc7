using System;
using System.IO;
using System.Linq;
using Rvm.Imaging;

namespace Rvm.Matting;

public enum BackgroundKind
{
    Colour,
    Image,
    Video,
    Transparent,
    /// <summary>The frame's own background, blurred (<see cref="BackgroundBlur"/>).</summary>
    Blur,
}

/// <summary>What a composition goes over: a colour, a picture (scaled to cover), a video (looped or cut), the frame's own background blurred, or nothing.</summary>
public sealed class Background
{
    private static readonly string[] ImageExtensions = { ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp" };

    private Background(BackgroundKind kind, RgbColor colour, string? path)
    {
        Kind = kind;
        Colour = colour;
        Path = path;
    }

    public BackgroundKind Kind { get; }
    public RgbColor Colour { get; }
    public string? Path { get; }
    /// <summary>No background: the composition keeps the matte as its alpha channel, so its format needs one.</summary>
    internal bool IsTransparent => Kind == BackgroundKind.Transparent;
    /// <summary>A picture or a video, read by ffmpeg behind every frame.</summary>
    internal bool IsFile => Kind == BackgroundKind.Image || Kind == BackgroundKind.Video;

    public static Background Transparent { get; } = new Background(BackgroundKind.Transparent, default, null);
    public static Background Default { get; } = new Background(BackgroundKind.Colour, RgbColor.RvmGreen, null);
    public static Background Blur { get; } = new Background(BackgroundKind.Blur, default, null);

    /// <summary>The word -Background takes for no background.</summary>
    internal const string TransparentName = "Transparent";
    /// <summary>The word -Background takes for the frame's own background, blurred; a file of that name is './Blur'.</summary>
    internal const string BlurName = "Blur";

    public static Background OfColour(RgbColor colour) => new Background(BackgroundKind.Colour, colour, null);

    /// <summary>
    /// -Background as the cmdlets take it, read in this one place: 'Transparent', 'Blur', a colour (a name, '#rrggbb',
    /// 'r,g,b'), or, where <paramref name="files"/> allows, an existing picture or video, checked readable now.
    /// </summary>
    /// <param name="resolvePath">Turns the text into a full path the way the caller resolves paths (PowerShell's current location).</param>
    internal static Background Parse(string text, Func<string, string> resolvePath, bool files = true)
    {
        if (string.Equals(text, TransparentName, StringComparison.OrdinalIgnoreCase)) return Transparent;
        if (string.Equals(text, BlurName, StringComparison.OrdinalIgnoreCase)) return Blur;
        if (RgbColor.TryParse(text, out var colour)) return OfColour(colour);
        if (!files) throw new ArgumentException($"-Background '{text}' is not a colour: use a name, '#rrggbb', 'r,g,b', 'Transparent' or 'Blur'.");
        var path = resolvePath(text);
        if (File.Exists(path)) return OfFile(path).EnsureReadable();
        throw new ArgumentException($"-Background '{text}' is neither a colour (a name, '#rrggbb', 'r,g,b'), 'Transparent', 'Blur', nor an existing picture or video.");
    }

    /// <summary>A picture or a video file, told apart by extension.</summary>
    public static Background OfFile(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"The background '{full}' does not exist.", full);
        var ext = System.IO.Path.GetExtension(full).ToLowerInvariant();
        return new Background(ImageExtensions.Contains(ext) ? BackgroundKind.Image : BackgroundKind.Video, default, full);
    }

    /// <summary>
    /// Decodes the first picture of a file background, so a file that is neither a picture nor a video is refused
    /// before any conversion starts, not after the first input has been decoded and run through the network.
    /// </summary>
    public Background EnsureReadable()
    {
        if (Path == null) return this;
        try { ImageFileReader.Read(Path); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The background '{Path}' is not a picture or video ffmpeg can read: {e.Message}", e);
        }
        return this;
    }

    public override string ToString() => Kind switch
    {
        BackgroundKind.Colour => Colour.ToString(),
        BackgroundKind.Transparent => TransparentName,
        BackgroundKind.Blur => BlurName,
        _ => Path!,
    };
}

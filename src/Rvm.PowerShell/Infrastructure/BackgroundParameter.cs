using System;
using System.IO;
using Rvm.Imaging;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>-Background as Convert-RvmVideo and New-RvmBatch take it: a colour, 'Transparent', or a picture or video file.</summary>
internal static class BackgroundParameter
{
    /// <param name="resolvePath">A PowerShell path to a file-system path (relative to the current location).</param>
    public static Matting.Background Parse(string text, Func<string, string> resolvePath)
    {
        if (string.Equals(text, "Transparent", StringComparison.OrdinalIgnoreCase)) return Matting.Background.Transparent;
        if (RgbColor.TryParse(text, out var colour)) return Matting.Background.OfColour(colour);
        var path = resolvePath(text);
        if (File.Exists(path)) return Matting.Background.OfFile(path).EnsureReadable();
        throw new ArgumentException($"-Background '{text}' is neither a colour (a name, '#rrggbb', 'r,g,b'), 'Transparent', nor an existing picture or video.");
    }
}

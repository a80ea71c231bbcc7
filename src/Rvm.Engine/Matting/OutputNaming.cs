using System.Collections.Generic;
using System.IO;
using Rvm.Media;

namespace Rvm.Matting;

/// <summary>
/// The names of outputs the user did not name: <c>&lt;input name&gt;.&lt;kind&gt;.&lt;ext&gt;</c> beside the input or
/// under a destination folder, or a folder <c>&lt;input name&gt;.&lt;kind&gt;</c> of numbered PNGs; -OutputName's template
/// (<see cref="OutputNameTemplate"/>) in place of <c>&lt;input name&gt;.&lt;kind&gt;</c>.
/// </summary>
internal static class OutputNaming
{
    /// <summary>Sets the request's output paths for <paramref name="kinds"/>, composition, alpha, foreground.</summary>
    /// <param name="destination">The folder for the outputs; null: beside the input.</param>
    /// <param name="container">The video format; null: .mov for a transparent composition (.mp4 has no alpha), else .mp4.</param>
    /// <param name="template">The names without extension; null: <see cref="OutputNameTemplate.Default"/>.</param>
    public static void NameOutputs(ConversionRequest request, string? destination, ICollection<OutputKind> kinds, OutputFormat? container, OutputNameTemplate? template = null)
    {
        template ??= OutputNameTemplate.Default;
        var input = request.Input;
        var trimmed = input.TrimEnd(Path.DirectorySeparatorChar);
        var folder = destination ?? Path.GetDirectoryName(trimmed)!;
        var baseName = Directory.Exists(input) ? Path.GetFileName(trimmed) : Path.GetFileNameWithoutExtension(input);
        var format = request.PngSequence ? OutputFormat.Png
            : container ?? (request.Background.IsTransparent ? OutputFormat.Mov : OutputFormat.Mp4);
        var extension = format.IsImageSequence ? "" : "." + format.Name;
        string? Named(OutputKind kind) =>
            kinds.Contains(kind) ? Path.Combine(folder, template.Name(baseName, kind) + extension) : null;
        request.CompositionPath = Named(OutputKind.Composition);
        request.AlphaPath = Named(OutputKind.Alpha);
        request.ForegroundPath = Named(OutputKind.Foreground);
    }
}

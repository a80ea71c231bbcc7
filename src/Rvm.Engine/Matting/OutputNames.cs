using System.IO;

namespace Rvm.Matting;

/// <summary>The names Rvm derives for an input's outputs: &lt;input name&gt;.&lt;output&gt;.&lt;ext&gt;, or a folder &lt;input name&gt;.&lt;output&gt; of PNGs.</summary>
internal static class OutputNames
{
    /// <param name="folder">The destination; null: beside the input.</param>
    /// <param name="container">The container's extension without the dot (mp4, mov, webm, mkv); ignored for PNG sequences.</param>
    public static void Derive(ConversionRequest request, string? folder, string container, bool composition, bool alpha, bool foreground)
    {
        var input = request.Input;
        folder ??= Path.GetDirectoryName(input.TrimEnd(Path.DirectorySeparatorChar))!;
        var baseName = Directory.Exists(input)
            ? Path.GetFileName(input.TrimEnd(Path.DirectorySeparatorChar))
            : Path.GetFileNameWithoutExtension(input);
        var extension = request.PngSequence ? "" : "." + container;
        string Named(string kind) => Path.Combine(folder, $"{baseName}.{kind}{extension}");
        if (composition) request.CompositionPath = Named("composition");
        if (alpha) request.AlphaPath = Named("alpha");
        if (foreground) request.ForegroundPath = Named("foreground");
    }
}

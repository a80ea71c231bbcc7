using System;
using System.IO;
using System.Text;
using Rvm.IO;

namespace Rvm.Media;

/// <summary>
/// Which input an output was made from, written into the output itself: the container's comment tag of a video
/// (<c>rvm-output/1 kind=alpha source=../in/take.mp4</c>), a PNG's Comment text (a preview sheet), or a marker
/// file in a folder of PNGs. The source is the
/// input's path relative to the output's folder, so a tree moved as a whole keeps its outputs' provenance. Rvm
/// reads it to skip its own outputs as inputs, to let -SkipExisting skip only outputs of this very input, and to
/// replace with -Force only what it made.
/// </summary>
internal sealed class OutputProvenance
{
    private const string Prefix = "rvm-output/1";
    /// <summary>The marker in a folder of PNGs that Rvm wrote; hidden, so editors importing the folder see only frames.</summary>
    public const string MarkerName = ".rvm-output";

    private OutputProvenance(string kind, string source)
    {
        Kind = kind;
        Source = source;
    }

    public string Kind { get; }
    /// <summary>The input's path relative to the output's folder, '/'-separated.</summary>
    public string Source { get; }

    /// <summary>The tag for an output of <paramref name="kind"/> (composition, alpha, foreground) made from <paramref name="input"/>.</summary>
    public static string TagFor(string kind, string input, string output) =>
        $"{Prefix} kind={kind} source={Uri.EscapeDataString(SourceOf(input, output))}";

    public bool IsFrom(string input, string output) => string.Equals(Source, SourceOf(input, output), FileSystemNames.Comparison);

    public static OutputProvenance? Parse(string? tag)
    {
        if (tag == null || !tag.StartsWith(Prefix + " ", StringComparison.Ordinal)) return null;
        string? kind = null, source = null;
        foreach (var part in tag.Substring(Prefix.Length + 1).Split(' '))
        {
            if (part.StartsWith("kind=", StringComparison.Ordinal)) kind = part.Substring(5);
            else if (part.StartsWith("source=", StringComparison.Ordinal)) source = Uri.UnescapeDataString(part.Substring(7));
        }
        return kind != null && source != null ? new OutputProvenance(kind, source) : null;
    }

    /// <summary>The provenance of an existing file or folder, or null when Rvm did not make it.</summary>
    public static OutputProvenance? Read(string path)
    {
        if (Directory.Exists(path))
        {
            var marker = Path.Combine(path, MarkerName);
            return File.Exists(marker) ? Parse(File.ReadAllText(marker, Encoding.UTF8).Trim()) : null;
        }
        return File.Exists(path) ? FromPng(path) ?? Parse(MediaProbe.ReadComment(path)) : null;
    }

    /// <summary>The provenance in a PNG's Comment text (ffprobe reports it per frame, not for the file); null for other files.</summary>
    public static OutputProvenance? FromPng(string path) => Parse(Imaging.PngText.Read(path, PngKeyword));

    /// <summary>The PNG text keyword the tag is written under.</summary>
    public const string PngKeyword = "Comment";

    /// <summary>A folder of PNGs is Rvm's only if it holds nothing but numbered PNGs and Rvm's marker.</summary>
    public static bool IsOwnSequenceFolder(string folder)
    {
        if (Directory.GetDirectories(folder).Length > 0) return false;
        foreach (var file in Directory.GetFiles(folder))
        {
            var name = Path.GetFileName(file);
            if (name == MarkerName) continue;
            if (!name.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) return false;
            foreach (var c in Path.GetFileNameWithoutExtension(name)) if (c < '0' || c > '9') return false;
        }
        return File.Exists(Path.Combine(folder, MarkerName));
    }

    private static string SourceOf(string input, string output)
    {
        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar))!;
        return FileSystemNames.RelativePath(outputFolder, input.TrimEnd(Path.DirectorySeparatorChar));
    }
}

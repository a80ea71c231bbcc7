using System;
using System.IO;
using System.Linq;

namespace Rvm.Matting;

/// <summary>What a preview sheet shows: the input video and the outputs made from it (alpha matte, composition; either may be missing).</summary>
internal sealed class PreviewSources
{
    /// <summary>Containers searched for outputs named by the default naming, in this order.</summary>
    private static readonly string[] VideoExtensions = { ".mp4", ".mov", ".webm", ".mkv" };

    public PreviewSources(string input, string? alphaPath, string? compositionPath)
    {
        Input = Path.GetFullPath(input);
        AlphaPath = alphaPath == null ? null : Path.GetFullPath(alphaPath);
        CompositionPath = compositionPath == null ? null : Path.GetFullPath(compositionPath);
    }

    public string Input { get; }
    public string? AlphaPath { get; }
    public string? CompositionPath { get; }

    /// <summary>The name the input's outputs share, &lt;name&gt; of &lt;name&gt;.alpha.mp4.</summary>
    public string BaseName => Path.GetFileNameWithoutExtension(Input);

    /// <summary>
    /// The outputs of <paramref name="input"/> named by Rvm's default naming (&lt;name&gt;.alpha.&lt;ext&gt;,
    /// &lt;name&gt;.composition.&lt;ext&gt;) in <paramref name="folder"/>, or beside the input; those not given are looked for.
    /// </summary>
    public static PreviewSources Find(string input, string? folder, string? alphaPath, string? compositionPath)
    {
        var full = Path.GetFullPath(input);
        var where = folder ?? Path.GetDirectoryName(full)!;
        var name = Path.GetFileNameWithoutExtension(full);
        string? Named(OutputKind kind) => VideoExtensions
            .Select(e => Path.Combine(where, $"{name}.{kind.ToString().ToLowerInvariant()}{e}"))
            .FirstOrDefault(File.Exists);
        return alphaPath != null || compositionPath != null
            ? new PreviewSources(full, alphaPath, compositionPath)
            : new PreviewSources(full, Named(OutputKind.Alpha), Named(OutputKind.Composition));
    }

    /// <summary>Throws, naming the file, when the input or an output named is missing or not a video file, or when there is no output at all.</summary>
    public void Validate()
    {
        RequireVideoFile(Input, "input");
        if (AlphaPath == null && CompositionPath == null)
            throw new FileNotFoundException($"No output of '{Input}' was found: neither {BaseName}.alpha.* nor {BaseName}.composition.* ({string.Join(", ", VideoExtensions)}) is in '{Path.GetDirectoryName(Input)}'; name them with -AlphaPath or -CompositionPath.", Input);
        if (AlphaPath != null) RequireVideoFile(AlphaPath, "alpha output");
        if (CompositionPath != null) RequireVideoFile(CompositionPath, "composition output");
    }

    private static void RequireVideoFile(string path, string what)
    {
        if (Directory.Exists(path))
            throw new NotSupportedException($"The {what} '{path}' is a folder of pictures; preview sheets are made from video files.");
        if (!File.Exists(path)) throw new FileNotFoundException($"The {what} '{path}' does not exist.", path);
    }
}

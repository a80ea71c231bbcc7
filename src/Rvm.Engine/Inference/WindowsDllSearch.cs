using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rvm.Media;

namespace Rvm.Inference;

/// <summary>
/// Which of a native library's dependencies Windows will not find, looked for where ONNX Runtime's loader looks
/// (LOAD_WITH_ALTERED_SEARCH_PATH): the library's own folder, the system folder, then PATH. Windows's own load
/// error (126, "module not found") never says which one is missing.
/// </summary>
internal static class WindowsDllSearch
{
    /// <summary>The folders in search order: the module's, System32, then PATH's entries (quoted or invalid ones cleaned).</summary>
    public static IReadOnlyList<string> Folders(string libraryFolder, string systemFolder, string? path) =>
        new[] { libraryFolder, systemFolder }.Concat(FfmpegLocator.PathEntries(path, ';', windows: true)).ToList();

    public static IReadOnlyList<string> Folders(string libraryFolder) =>
        Folders(libraryFolder, Environment.SystemDirectory, Environment.GetEnvironmentVariable("PATH"));

    /// <summary>The names found in none of the folders, in the order given.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> names, IReadOnlyList<string> folders, Func<string, bool> fileExists) =>
        names.Where(name => !folders.Any(folder =>
        {
            try { return fileExists(Path.Combine(folder, name)); }
            catch (Exception e) when (e is ArgumentException || e is IOException || e is NotSupportedException) { return false; }
        })).ToList();
}

using System;
using System.IO;

namespace Rvm.IO;

/// <summary>
/// Files appear only whole: they are written under a temporary name beside the final one and renamed at the
/// end (atomic on one volume), so a failure or Ctrl+C never leaves a partial picture or model.
/// </summary>
internal static class AtomicFile
{
    /// <summary>A hidden temporary beside the final file, of fixed length whatever the final name's (any name a folder can hold works).</summary>
    public static string TempNameFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(finalPath))!, $".{FileSystemNames.ShortHash(Path.GetFileName(finalPath))}.{Guid.NewGuid():N}.partial");

    /// <summary>
    /// Moves a finished temporary file into place; an older copy is replaced in one rename, never deleted first, and
    /// the rename is retried while another process holds the old copy (Windows).
    /// </summary>
    public static void Commit(string tempPath, string finalPath) => SharingViolationRetry.ForThisOs.Run(() =>
    {
        if (File.Exists(finalPath)) File.Replace(tempPath, finalPath, null);
        else File.Move(tempPath, finalPath);
    });

    /// <summary>Writes UTF-8 text (no BOM) whole: under a temporary name, then renamed into place; the folder is made if missing.</summary>
    public static void WriteAllText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = TempNameFor(path);
        try
        {
            File.WriteAllText(temp, text, new System.Text.UTF8Encoding(false));
            Commit(temp, path);
        }
        finally { TryDelete(temp); }
    }

    public static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

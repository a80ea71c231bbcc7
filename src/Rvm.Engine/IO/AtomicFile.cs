using System;
using System.IO;

namespace Rvm.IO;

/// <summary>
/// Files appear only whole: they are written under a temporary name beside the final one and renamed at the
/// end (atomic on one volume), so a failure or Ctrl+C never leaves a partial model, picture or video.
/// </summary>
public static class AtomicFile
{
    public static string TempNameFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(finalPath))!, $".{Path.GetFileName(finalPath)}.{Guid.NewGuid():N}.partial");

    /// <summary>Moves a finished temporary file into place, replacing an older copy.</summary>
    public static void Commit(string tempPath, string finalPath)
    {
        if (File.Exists(finalPath)) File.Delete(finalPath);
        File.Move(tempPath, finalPath);
    }

    public static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

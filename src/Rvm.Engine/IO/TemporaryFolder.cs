using System;
using System.IO;

namespace Rvm.IO;

/// <summary>Scratch files in the temporary folder (TMPDIR, TEMP on Windows).</summary>
internal static class TemporaryFolder
{
    /// <summary>
    /// Creates an empty file with a fresh name in the folder before ffmpeg is asked to write it, so a folder that
    /// cannot be written is reported as such: ffmpeg's own failure read "could not read 'astronaut.jpg' as an image".
    /// </summary>
    public static string CreateFile(string folder, string extension)
    {
        var path = Path.Combine(folder, $"rvm-{Guid.NewGuid():N}{extension}");
        try
        {
            using (new FileStream(path, FileMode.CreateNew, FileAccess.Write)) { }
            return path;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException(
                $"The temporary folder '{folder}' cannot be written ({e.Message}); set TMPDIR (TEMP on Windows) to a writable folder.", e);
        }
    }
}

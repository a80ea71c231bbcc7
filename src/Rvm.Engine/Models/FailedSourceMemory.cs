using System;
using System.Globalization;
using System.IO;
using System.Text;
using Rvm.IO;

namespace Rvm.Models;

/// <summary>
/// Download sources that failed recently, one small file per URL under the cache's "failed-sources" folder, so a
/// run that has a verified fallback does not wait for the same failing source again (up to the 30 s idle timeout
/// each time) until <see cref="Window"/> has passed.
/// </summary>
internal sealed class FailedSourceMemory
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(30);

    private readonly string _folder;

    public FailedSourceMemory(ModelCache cache, TimeSpan window)
    {
        _folder = cache.PathOf("failed-sources");
        Window = window;
    }

    public TimeSpan Window { get; }

    public void Remember(string url, string reason)
    {
        var path = PathFor(url);
        var temp = CacheTemporaries.NameFor(path);
        // Only an optimisation: a cache that cannot be written to costs the retry, never the import.
        try
        {
            Directory.CreateDirectory(_folder);
            File.WriteAllText(temp, $"{DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture)}\n{url}\n{reason}\n", Encoding.UTF8);
            AtomicFile.Commit(temp, path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        finally { AtomicFile.TryDelete(temp); }
    }

    public void Forget(string url) => AtomicFile.TryDelete(PathFor(url));

    /// <summary>True when <paramref name="url"/> failed less than <see cref="Window"/> ago; says when and why.</summary>
    public bool FailedRecently(string url, out TimeSpan age, out string reason)
    {
        age = TimeSpan.Zero;
        reason = "";
        string[] lines;
        try { lines = File.ReadAllLines(PathFor(url)); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
        if (lines.Length < 3 || lines[1] != url
            || !DateTime.TryParse(lines[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var when))
            return false;
        age = DateTime.UtcNow - when.ToUniversalTime();
        reason = lines[2];
        // A time in the future (a clock set back) does not silence the source forever.
        return age >= TimeSpan.Zero && age < Window;
    }

    private string PathFor(string url) =>
        Path.Combine(_folder, FileHash.Sha256(Encoding.UTF8.GetBytes(url)).Substring(0, 16) + ".txt");
}

using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Rvm.Models;

/// <summary>
/// Temporary names in the model cache carry the machine and process that wrote them, so a later run can remove
/// what a killed run left (SIGKILL runs no finally block) without touching a live run's downloads.
/// </summary>
internal static class CacheTemporaries
{
    // ".<name>.<host>-<pid>.<guid>.partial": the writer is parsed back out of the name.
    private static readonly Regex Writer = new Regex(@"\.(?<host>[A-Za-z0-9_-]+)-(?<pid>\d+)\.[0-9a-f]{32}\.partial$", RegexOptions.CultureInvariant);
    // Names written before the PID was in them (".<name>.<guid>.partial"); their writer is unknown.
    private static readonly Regex Unowned = new Regex(@"^\.[^/\\]+\.[0-9a-f]{32}\.partial$", RegexOptions.CultureInvariant);

    /// <summary>How old a temporary of unknown writer must be to count as abandoned: no download or conversion runs this long without writing.</summary>
    internal static readonly TimeSpan UnownedAge = TimeSpan.FromHours(6);

    private static readonly string Host = new string(Environment.MachineName.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray());

    /// <summary>A temporary name beside <paramref name="finalPath"/>, owned by this process.</summary>
    public static string NameFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(finalPath))!, $".{Path.GetFileName(finalPath)}.{Host}-{CurrentPid}.{Guid.NewGuid():N}.partial");

    private static int CurrentPid
    {
        get { using var self = Process.GetCurrentProcess(); return self.Id; }
    }

    /// <summary>
    /// Removes the temporary files and folders under <paramref name="root"/> whose writer on this machine is no longer
    /// running (and unowned ones older than <see cref="UnownedAge"/>). Returns how many it removed.
    /// </summary>
    public static int SweepAbandoned(string root, ModelLog log)
    {
        int removed = 0;
        foreach (var path in Entries(root, "*.partial", CacheDepth))
        {
            if (!IsAbandoned(path)) continue;
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, true);
                else File.Delete(path);
                removed++;
                log.Say($"Removed '{path}', left in the model cache by a run that no longer exists.");
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>The cache's deepest files are two folders down (tfjs/human-models-3.0.4/rvm.bin); RVM_HOME may point anywhere, so no deeper.</summary>
    private const int CacheDepth = 2;

    /// <summary>Matching entries of a folder and its subfolders to the given depth; what cannot be read is passed over.</summary>
    private static System.Collections.Generic.List<string> Entries(string folder, string pattern, int depth)
    {
        var found = new System.Collections.Generic.List<string>();
        try
        {
            if (!Directory.Exists(folder)) return found;
            found.AddRange(Directory.EnumerateFileSystemEntries(folder, pattern));
            if (depth > 0)
                foreach (var sub in Directory.EnumerateDirectories(folder).Where(d => !found.Contains(d)).ToList())
                    found.AddRange(Entries(sub, pattern, depth - 1));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return found;
    }

    internal static bool IsAbandoned(string path)
    {
        var name = Path.GetFileName(path);
        var match = Writer.Match(name);
        if (match.Success)
            return match.Groups["host"].Value == Host
                && int.TryParse(match.Groups["pid"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                && !IsRunning(pid);
        return Unowned.IsMatch(name) && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > UnownedAge;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}

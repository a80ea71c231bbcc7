using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using FFMpegCore;

namespace Rvm.Media;

/// <summary>
/// Finds ffmpeg and ffprobe ($RVM_FFMPEG_PATH, else PATH) and builds the FFOptions passed to every FFMpegCore
/// call; nothing is set process-wide, so other modules using FFMpegCore in the same process are not disturbed.
/// </summary>
internal static class FfmpegLocator
{
    public const string SettingName = "RVM_FFMPEG_PATH";

    public const string InstallAdvice =
        "Install ffmpeg (Debian/Ubuntu: 'sudo apt-get install ffmpeg'; Windows: 'winget install Gyan.FFmpeg'; macOS: 'brew install ffmpeg'), " +
        "or set RVM_FFMPEG_PATH to the folder that holds ffmpeg and ffprobe.";

    // Only a folder that was found is remembered: after a failure, installing ffmpeg or fixing PATH works in the
    // same session, without a new PowerShell.
    private static volatile string? _found;

    public static FFOptions Options() => new FFOptions
    {
        BinaryFolder = Folder(),
        // FFMpegCore's pipes are Unix sockets named under this folder, and socket paths are short (about 100 bytes).
        TemporaryFilesFolder = ShortTempFolder(),
    };

    internal static string Folder()
    {
        var found = _found;
        if (found != null) return found;
        found = Locate(Environment.GetEnvironmentVariable(SettingName), Environment.GetEnvironmentVariable("PATH"),
            Path.PathSeparator, RuntimeInformation.IsOSPlatform(OSPlatform.Windows), File.Exists);
        _found = found;
        return found;
    }

    /// <summary>
    /// The folder holding both tools. A setting that names no such folder is an error naming it (a scheduled task
    /// should not silently run another ffmpeg); PATH entries that cannot be folders are skipped.
    /// </summary>
    internal static string Locate(string? setting, string? path, char separator, bool windows, Func<string, bool> fileExists)
    {
        string exe = windows ? "ffmpeg.exe" : "ffmpeg", probe = windows ? "ffprobe.exe" : "ffprobe";
        bool HoldsBoth(string folder)
        {
            try { return fileExists(Path.Combine(folder, exe)) && fileExists(Path.Combine(folder, probe)); }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is IOException) { return false; }
        }

        var configured = (setting ?? "").Trim().Trim('"').Trim();
        if (configured.Length > 0)
        {
            // The setting may name ffmpeg itself rather than its folder (a folder named ffmpeg is still a folder).
            if (HoldsBoth(configured)) return Path.GetFullPath(configured);
            var parent = Path.GetDirectoryName(configured);
            if (string.Equals(Path.GetFileName(configured), exe, StringComparison.OrdinalIgnoreCase) && parent != null && HoldsBoth(parent))
                return Path.GetFullPath(parent);
            throw new FfmpegNotFoundException($"{SettingName} is '{setting}', which does not hold both {exe} and {probe}. " +
                $"Set it to the folder that holds them, or remove it to use PATH.");
        }
        var match = PathEntries(path, separator, windows).FirstOrDefault(HoldsBoth);
        return match != null ? Path.GetFullPath(match)
            : throw new FfmpegNotFoundException($"{exe} and {probe} were not found on PATH. {InstallAdvice}");
    }

    /// <summary>
    /// PATH's folders as a shell sees them: Windows allows an entry in double quotes ("C:\Program Files\ffmpeg\bin"),
    /// and an entry with characters no path may hold is skipped rather than failing the whole search.
    /// </summary>
    internal static IEnumerable<string> PathEntries(string? path, char separator, bool windows)
    {
        var invalid = windows ? WindowsInvalidPathChars : new[] { '\0' };
        foreach (var entry in (path ?? "").Split(separator))
        {
            var folder = entry.Trim().Trim('"').Trim();
            if (folder.Length > 0 && folder.IndexOfAny(invalid) < 0) yield return folder;
        }
    }

    // What Windows refuses in a path (besides the drive colon); .NET Core no longer checks, .NET Framework threw.
    private static readonly char[] WindowsInvalidPathChars =
        new[] { '"', '<', '>', '|' }.Concat(Enumerable.Range(0, 32).Select(c => (char)c)).ToArray();

    private static string ShortTempFolder()
    {
        var temp = Path.GetTempPath();
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && temp.Length > 60 && Directory.Exists("/tmp")) return "/tmp";
        return temp;
    }
}

public sealed class FfmpegNotFoundException : Exception
{
    public FfmpegNotFoundException(string message) : base(message) { }
}

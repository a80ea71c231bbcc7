using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using FFMpegCore;

namespace Rvm.Media;

/// <summary>
/// Finds ffmpeg and ffprobe ($RVM_FFMPEG_PATH, else PATH) and builds the FFOptions passed to every FFMpegCore
/// call; nothing is set process-wide, so other modules using FFMpegCore in the same process are not disturbed.
/// </summary>
public static class FfmpegLocator
{
    public const string InstallAdvice =
        "Install ffmpeg (Debian/Ubuntu: 'sudo apt-get install ffmpeg'; Windows: 'winget install Gyan.FFmpeg'; macOS: 'brew install ffmpeg'), " +
        "or set RVM_FFMPEG_PATH to the folder that holds ffmpeg and ffprobe.";

    private static readonly Lazy<string?> Folder = new Lazy<string?>(Locate);

    public static FFOptions Options()
    {
        var folder = Folder.Value ?? throw new FfmpegNotFoundException($"ffmpeg and ffprobe were not found. {InstallAdvice}");
        return new FFOptions
        {
            BinaryFolder = folder,
            // FFMpegCore's pipes are Unix sockets named under this folder, and socket paths are short (about 100 bytes).
            TemporaryFilesFolder = ShortTempFolder(),
        };
    }

    private static string? Locate()
    {
        bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        string exe = windows ? "ffmpeg.exe" : "ffmpeg", probe = windows ? "ffprobe.exe" : "ffprobe";
        var candidates = new[] { Environment.GetEnvironmentVariable("RVM_FFMPEG_PATH") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator));
        return candidates.Where(d => !string.IsNullOrWhiteSpace(d))
            .FirstOrDefault(d => File.Exists(Path.Combine(d!, exe)) && File.Exists(Path.Combine(d!, probe)));
    }

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

using System.IO;

namespace Rvm.Media;

internal static class FfmpegInput
{
    /// <summary>
    /// A file path as an ffmpeg input or output: absolute, and behind the file: protocol so that nothing in
    /// the name (a leading '-', a colon that looks like a protocol, a '|') is read as anything but a file.
    /// </summary>
    public static string Of(string path) => "file:" + Path.GetFullPath(path);
}

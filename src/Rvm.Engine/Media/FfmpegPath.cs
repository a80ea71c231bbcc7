using System.IO;
using Rvm.Processes;

namespace Rvm.Media;

internal static class FfmpegPath
{
    /// <summary>
    /// A file path as FFMpegCore must be given it: absolute (so no name reads as an option or a protocol such as
    /// "x:"), and escaped for the double quotes FFMpegCore puts around it.
    /// </summary>
    public static string ForArgument(string path) => CommandLine.EscapeInsideQuotes(Path.GetFullPath(path));
}

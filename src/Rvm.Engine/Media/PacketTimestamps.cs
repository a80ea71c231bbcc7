using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Rvm.Media;

/// <summary>
/// The presentation timestamps of a video stream's packets, read by ffprobe from the container alone (nothing is
/// decoded, so damaged data does not hide them): one packet is one frame of the input.
/// </summary>
internal static class PacketTimestamps
{
    /// <summary>Every packet of the first video stream that has a timestamp, sorted: the input's frames in order.</summary>
    public static List<long> Read(string path)
    {
        string stdout;
        using (var probe = new FfmpegProcess("ffprobe", new[]
        {
            "-v", "fatal", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", FfmpegInput.Of(path),
        }, redirectInput: false, redirectOutput: true))
        {
            stdout = new StreamReader(probe.Output, Encoding.UTF8).ReadToEnd();
            int exit = probe.WaitForExit();
            if (exit != 0) throw new InvalidDataException($"'{path}': ffprobe could not list the video packets: {probe.ErrorTail()}");
        }
        return Parse(stdout);
    }

    /// <summary>Lines "pts,flags"; packets without a timestamp, or flagged to be discarded (D), are not frames shown.</summary>
    internal static List<long> Parse(string csv)
    {
        var timestamps = new List<long>();
        foreach (var raw in csv.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var comma = line.IndexOf(',');
            var pts = comma < 0 ? line : line.Substring(0, comma);
            var flags = comma < 0 ? "" : line.Substring(comma + 1);
            if (flags.IndexOf('D') >= 0) continue;
            if (long.TryParse(pts, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) timestamps.Add(value);
        }
        timestamps.Sort();
        return timestamps;
    }
}

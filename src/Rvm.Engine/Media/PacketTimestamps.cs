using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Rvm.Media;

/// <summary>
/// A video stream's packets as the container lists them, read by ffprobe without decoding anything (so damaged
/// data does not hide them): one packet is one frame of the input.
/// </summary>
internal sealed class PacketTimestamps
{
    private PacketTimestamps(List<long> shown, int count, long? declaredFrames)
    {
        Shown = shown;
        Count = count;
        DeclaredFrames = declaredFrames;
    }

    /// <summary>Timestamps of the packets that are shown (not flagged discard, with a pts), sorted: the input's frames in order.</summary>
    public List<long> Shown { get; }
    /// <summary>Every packet read, shown or not.</summary>
    public int Count { get; }
    /// <summary>The frame count the container's header or index declares (nb_frames), when it has one.</summary>
    public long? DeclaredFrames { get; }

    public static PacketTimestamps Read(string path)
    {
        string stdout;
        using (var probe = new FfmpegProcess("ffprobe", new[]
        {
            "-v", "fatal", "-select_streams", "v:0", "-show_entries", "packet=pts,flags:stream=nb_frames", "-of", "csv=p=1", FfmpegInput.Of(path),
        }, redirectInput: false, redirectOutput: true))
        {
            stdout = new StreamReader(probe.Output, Encoding.UTF8).ReadToEnd();
            int exit = probe.WaitForExit();
            if (exit != 0) throw new InvalidDataException($"'{path}': ffprobe could not list the video packets: {probe.ErrorTail()}");
        }
        return Parse(stdout);
    }

    /// <summary>Lines "packet,pts,flags" and "stream,nb_frames"; N/A where ffprobe has no value.</summary>
    internal static PacketTimestamps Parse(string csv)
    {
        var shown = new List<long>();
        int count = 0;
        long? declared = null;
        foreach (var raw in csv.Split('\n'))
        {
            var fields = raw.Trim().Split(',');
            if (fields[0] == "stream" && fields.Length > 1 && long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var frames))
                declared = frames;
            if (fields[0] != "packet" || fields.Length < 2) continue;
            count++;
            // D: decoded only as a reference and not shown (before an edit list's start, say).
            if (fields.Length > 2 && fields[2].IndexOf('D') >= 0) continue;
            if (long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pts)) shown.Add(pts);
        }
        shown.Sort();
        return new PacketTimestamps(shown, count, declared);
    }
}

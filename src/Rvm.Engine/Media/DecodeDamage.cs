using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Rvm.Media;

/// <summary>
/// What ffmpeg could not decode in one input read with <see cref="DecodeErrorTolerance.Conceal"/>: the frames it
/// left out (packets of the input with no decoded frame, found by timestamp) and the frames its error concealment
/// patched (one "concealing ... errors in X frame" line each, from libavcodec's shared error resilience).
/// Fed from ffmpeg's stderr thread while decoding; assessed once, after ffmpeg has exited.
/// </summary>
internal sealed class DecodeDamage
{
    // Frames named in one warning; the rest are counted.
    private const int NamedFrames = 20;

    // Decoded timestamps in output order: 8 bytes a frame, grown by doubling, so nothing is allocated per frame.
    private readonly List<long> _decoded = new List<long>();
    // For each concealment, how many frames had come out before it: the damaged frame is near the next one.
    private readonly List<int> _concealedBefore = new List<int>();
    private string? _firstConcealment;
    private string? _firstError;
    private int _errors;

    public bool Seen => _errors > 0 || _concealedBefore.Count > 0;

    public void OnFrame(long pts) => _decoded.Add(pts);

    public void OnError(string message)
    {
        _errors++;
        _firstError ??= message;
    }

    public void OnConcealment(string message)
    {
        _concealedBefore.Add(_decoded.Count);
        _firstConcealment ??= message;
    }

    /// <summary>
    /// The damaged frames (lost from the container, left out by the decoder, concealed) and one warning for each
    /// kind, naming the frames by their index in the input and their time where the container still lists them.
    /// </summary>
    public (long DamagedFrames, List<string> Warnings) Assess(string path, PacketTimestamps listed, Rational timeBase)
    {
        var warnings = new List<string>();
        // Frames whose packets the demuxer could not find at all (a damaged chunk header): counted, never named.
        long lost = listed.DeclaredFrames.HasValue ? Math.Max(0, listed.DeclaredFrames.Value - listed.Count) : 0;
        if (lost > 0)
            warnings.Add($"'{path}': the container declares {listed.DeclaredFrames} frames but only {listed.Count} could be read: " +
                $"{Frames(lost)} {(lost == 1 ? "was" : "were")} lost where the file is damaged.");
        var packets = listed.Shown;
        var decoded = new HashSet<long>(_decoded);
        int matched = packets.Count(decoded.Contains);
        long dropped;
        string named = "";
        if (_decoded.Count > 0 && matched * 2 < _decoded.Count)
        {
            // The container's timestamps are not the decoder's (no packet pts): the frames left out can be counted, not named.
            dropped = Math.Max(0, packets.Count - _decoded.Count);
        }
        else
        {
            var missing = new List<int>();
            for (int i = 0; i < packets.Count; i++)
                if (!decoded.Contains(packets[i])) missing.Add(i);
            dropped = missing.Count;
            named = ": " + Name(missing.Select(i => (i, packets[i])), dropped, timeBase);
        }
        if (dropped > 0)
            warnings.Add($"'{path}': {Frames(dropped)} could not be decoded and {(dropped == 1 ? "was" : "were")} left out{named}; " +
                $"the frames that remain keep their timestamps. ffmpeg's first error: {_firstError}");
        if (_concealedBefore.Count > 0)
        {
            var near = _concealedBefore
                .Select(before => _decoded.Count == 0 ? 0 : _decoded[Math.Min(before, _decoded.Count - 1)])
                .Distinct()
                .Select(pts => (Index: IndexOf(packets, pts), Pts: pts))
                .ToList();
            warnings.Add($"'{path}': ffmpeg concealed damage in {Frames(_concealedBefore.Count)}, near {Name(near, near.Count, timeBase)}: {_firstConcealment}");
        }
        if (warnings.Count == 0 && _errors > 0)
            warnings.Add($"'{path}': ffmpeg reported {_errors} decode error{(_errors == 1 ? "" : "s")}, yet every frame was decoded. The first: {_firstError}");
        return (lost + dropped + _concealedBefore.Count, warnings);
    }

    /// <summary>The input frame index of a timestamp: its packet's place, or where it would be.</summary>
    private static int IndexOf(List<long> packets, long pts)
    {
        int i = packets.BinarySearch(pts);
        return i >= 0 ? i : ~i;
    }

    private static string Frames(long count) => count == 1 ? "1 frame" : $"{count} frames";

    private static string Name(IEnumerable<(int Index, long Pts)> frames, long count, Rational timeBase)
    {
        var named = frames.Take(NamedFrames).Select(f => timeBase.IsValid
            ? string.Format(CultureInfo.InvariantCulture, "frame {0} ({1:0.000} s)", f.Index, f.Pts * (double)timeBase.Numerator / timeBase.Denominator)
            : $"frame {f.Index}").ToList();
        var text = string.Join(", ", named);
        return count > named.Count ? $"{text} and {count - named.Count} more" : text;
    }
}

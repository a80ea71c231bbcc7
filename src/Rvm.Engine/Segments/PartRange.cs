using System;
using Rvm.Media;

namespace Rvm.Segments;

/// <summary>
/// One part of a video converted in parts: the frames from <see cref="StartSeconds"/> up to (not including)
/// <see cref="EndSeconds"/>, times from the file's start. A part after the first runs the frames of its
/// <see cref="PreRollSeconds"/> before its start through the network only to warm the recurrent state.
/// </summary>
internal sealed class PartRange
{
    public PartRange(int index, double startSeconds, double? endSeconds, double preRollSeconds)
    {
        Index = index;
        StartSeconds = startSeconds;
        EndSeconds = endSeconds;
        PreRollSeconds = preRollSeconds;
    }

    public int Index { get; }
    public double StartSeconds { get; }
    public double? EndSeconds { get; }
    public double PreRollSeconds { get; }

    /// <summary>
    /// A time from the file's start as a timestamp of the stream (kept as the file has them, -copyts): the first
    /// timestamp at or after it. One function for every part, so a part's end is exactly the next part's start.
    /// </summary>
    public static long ToPts(double seconds, double fileStartSeconds, Rational timeBase) =>
        (long)Math.Ceiling((fileStartSeconds + seconds) * timeBase.Denominator / timeBase.Numerator - 1e-6);

    public override string ToString() => $"part {Index}: {StartSeconds:0.###} s to {(EndSeconds.HasValue ? EndSeconds.Value.ToString("0.###") + " s" : "the end")}";
}

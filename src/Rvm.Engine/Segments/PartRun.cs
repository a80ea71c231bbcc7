using Rvm.Media;

namespace Rvm.Segments;

/// <summary>
/// What a conversion job needs to run one part: its range, where it resumes, and where its chunks go. The frames it
/// takes are decided by timestamp, exactly, whatever the seek that started the decoder did.
/// </summary>
internal sealed class PartRun
{
    public PartRun(WorkFolder work, SegmentPlan segments, PartRange range, PartCheckpoint? resume, double fileStartSeconds)
    {
        Work = work;
        Segments = segments;
        Range = range;
        Resume = resume;
        FileStartSeconds = fileStartSeconds;
    }

    public WorkFolder Work { get; }
    public SegmentPlan Segments { get; }
    public PartRange Range { get; }
    /// <summary>The checkpoint this part goes on from, or null to start it at its beginning (with its pre-roll).</summary>
    public PartCheckpoint? Resume { get; }
    public double FileStartSeconds { get; }

    /// <summary>Where the decoder starts: a second before the first frame needed, for the seek's key frame; 0 reads from the start.</summary>
    public double SeekSeconds
    {
        get
        {
            double first = Resume != null && Resume.Chunks.Count > 0
                ? Resume.LastPts * Resume.TimeBase.Value - FileStartSeconds
                : Range.StartSeconds - Range.PreRollSeconds;
            return Range.Index == 0 && Resume == null ? 0 : System.Math.Max(0, first - 1.0);
        }
    }

    /// <summary>A frame's time in the output, in microseconds: its timestamp less the file's start, as a one-pass conversion places it.</summary>
    public long OutputMicroseconds(long pts, Rational timeBase) =>
        (long)System.Math.Round(((decimal)pts * timeBase.Numerator / timeBase.Denominator - (decimal)FileStartSeconds) * 1_000_000m, System.MidpointRounding.AwayFromZero);

    /// <summary>
    /// The timestamps this part takes: frames before <c>PreRollFrom</c> are dropped, those before <c>From</c> only
    /// warm the state, and the part ends at the first frame at or after <c>To</c> (the next part's start).
    /// </summary>
    public (long PreRollFrom, long From, long? To) Window(Rational timeBase)
    {
        long? to = Range.EndSeconds.HasValue ? PartRange.ToPts(Range.EndSeconds.Value, FileStartSeconds, timeBase) : (long?)null;
        if (Resume != null && Resume.Chunks.Count > 0) return (Resume.LastPts + 1, Resume.LastPts + 1, to);
        if (Range.Index == 0) return (long.MinValue, long.MinValue, to);
        long from = PartRange.ToPts(Range.StartSeconds, FileStartSeconds, timeBase);
        long preRollFrom = Range.PreRollSeconds > 0 ? PartRange.ToPts(Range.StartSeconds - Range.PreRollSeconds, FileStartSeconds, timeBase) : from;
        return (preRollFrom, from, to);
    }
}

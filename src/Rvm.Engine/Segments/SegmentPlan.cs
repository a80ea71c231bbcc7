using System.Collections.Generic;

namespace Rvm.Segments;

/// <summary>
/// How a conversion is cut: its parts (one, or <c>-Segments</c> run at once), the frames between checkpoints, and
/// the work folder that holds the chunks. Decided by the planner with the rest of the plan; its fingerprint names
/// everything that changes the result, so a work folder is only ever reused by the same conversion.
/// </summary>
internal sealed class SegmentPlan
{
    public SegmentPlan(string workFolder, string fingerprint, string description, int checkpointFrames, IReadOnlyList<PartRange> parts, int preRollFrames)
    {
        WorkFolder = workFolder;
        Fingerprint = fingerprint;
        Description = description;
        CheckpointFrames = checkpointFrames;
        Parts = parts;
        PreRollFrames = preRollFrames;
    }

    public string WorkFolder { get; }
    public string Fingerprint { get; }
    /// <summary>What the fingerprint was made of, one setting a line, saved in the work folder for people to read.</summary>
    public string Description { get; }
    /// <summary>Frames per chunk; a checkpoint follows each chunk. 0: a part is one chunk (no checkpoint until its end).</summary>
    public int CheckpointFrames { get; }
    public IReadOnlyList<PartRange> Parts { get; }
    public int PreRollFrames { get; }
}

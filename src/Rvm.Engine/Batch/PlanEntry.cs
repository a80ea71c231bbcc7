using System.Collections.Generic;
using Rvm.Matting;

namespace Rvm.Batch;

/// <summary>
/// One task of a batch: an input, its outputs and settings, and what it may do about outputs that exist. A video
/// longer than -SegmentLength is several tasks: one per part (<see cref="Part"/>), converting that part's frames
/// into the input's work folder, and a join (<see cref="PartEntries"/>) that makes the outputs once all parts are done.
/// </summary>
internal sealed class PlanEntry
{
    public PlanEntry(int index, ConversionRequest request, OutputPolicy policy, int? part = null, int? joinEntry = null, IReadOnlyList<int>? partEntries = null)
    {
        Index = index;
        Request = request;
        Policy = policy;
        Part = part;
        JoinEntry = joinEntry;
        PartEntries = partEntries;
    }

    public int Index { get; }
    public ConversionRequest Request { get; }
    public OutputPolicy Policy { get; }
    /// <summary>The part of the input's video this task converts; null for a whole conversion or a join.</summary>
    public int? Part { get; }
    /// <summary>For a part: the task that joins the parts.</summary>
    public int? JoinEntry { get; }
    /// <summary>For a join: the tasks of its parts, which must have succeeded first.</summary>
    public IReadOnlyList<int>? PartEntries { get; }

    public bool IsPart => Part.HasValue;
    public bool IsJoin => PartEntries != null;
}

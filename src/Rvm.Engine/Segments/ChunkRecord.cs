using System.Collections.Generic;
using System.IO;

namespace Rvm.Segments;

/// <summary>
/// One finished chunk of a part: a run of frames encoded into one file per output (a folder for PNGs) in the work
/// folder (see <see cref="Media.OutputFormat.StoresMilliseconds"/> for where its frames' times start). Files are named relative to the work folder, with the
/// size they had when the chunk was closed, so a damaged work folder is recognised before it is used.
/// </summary>
internal sealed class ChunkRecord
{
    public ChunkRecord(int index, long firstPts, long lastPts, long frames, IReadOnlyList<string> files, IReadOnlyList<long> sizes, IReadOnlyList<long> starts)
    {
        Starts = starts;
        Index = index;
        FirstPts = firstPts;
        LastPts = lastPts;
        Frames = frames;
        Files = files;
        Sizes = sizes;
    }

    public int Index { get; }
    /// <summary>The input's timestamps (its stream time base) of the chunk's first and last frame.</summary>
    public long FirstPts { get; }
    public long LastPts { get; }
    public long Frames { get; }
    /// <summary>One per planned output, in the plan's order.</summary>
    public IReadOnlyList<string> Files { get; }
    public IReadOnlyList<long> Sizes { get; }
    /// <summary>Each file's first frame's time in the output, in microseconds (as Matroska stores it, rounded): the join places chunks by these.</summary>
    public IReadOnlyList<long> Starts { get; }

    internal void WriteTo(BinaryWriter writer)
    {
        writer.Write(Index);
        writer.Write(FirstPts);
        writer.Write(LastPts);
        writer.Write(Frames);
        writer.Write(Files.Count);
        for (int i = 0; i < Files.Count; i++)
        {
            writer.Write(Files[i]);
            writer.Write(Sizes[i]);
            writer.Write(Starts[i]);
        }
    }

    internal static ChunkRecord ReadFrom(BinaryReader reader)
    {
        int index = reader.ReadInt32();
        long first = reader.ReadInt64(), last = reader.ReadInt64(), frames = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count < 1 || count > 3) throw new InvalidDataException("A chunk record names an impossible number of outputs.");
        var files = new string[count];
        var sizes = new long[count];
        var starts = new long[count];
        for (int i = 0; i < count; i++)
        {
            files[i] = reader.ReadString();
            sizes[i] = reader.ReadInt64();
            starts[i] = reader.ReadInt64();
        }
        return new ChunkRecord(index, first, last, frames, files, sizes, starts);
    }
}

using System.IO;

namespace Rvm.IO;

/// <summary>An output name that this conversion may not write, and why; thrown before any frame is decoded.</summary>
public sealed class OutputConflictException : IOException
{
    public OutputConflictException(OutputConflict conflict, string message) : base(message) => Conflict = conflict;

    public OutputConflict Conflict { get; }
}

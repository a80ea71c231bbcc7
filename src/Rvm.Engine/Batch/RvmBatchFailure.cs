namespace Rvm.Batch;

/// <summary>A failed task: its index, its input and why.</summary>
public sealed class RvmBatchFailure
{
    public int Index { get; internal set; }
    public string Input { get; internal set; } = "";
    public string Host { get; internal set; } = "";
    public string Message { get; internal set; } = "";

    public override string ToString() => $"{Index} '{Input}': {Message}";
}

namespace Rvm.Diagnostics;

/// <summary>The converting process's resident memory when a number of frames had been written.</summary>
public readonly struct ResidentSample
{
    public ResidentSample(long frame, long bytes)
    {
        Frame = frame;
        Bytes = bytes;
    }

    public long Frame { get; }
    public long Bytes { get; }
}

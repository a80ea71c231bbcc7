using Rvm.Inference;

namespace Rvm.Matting;

/// <summary>A frame leaving the network: its full-size matte, or (coefficient cut) its bytes and coefficients.</summary>
internal readonly struct MattedFrame
{
    public MattedFrame(long pts, MatteBuffer? matte, byte[]? pixels, CoefficientFrame? coefficients, StateSnapshot? checkpoint = null)
    {
        Checkpoint = checkpoint;
        Pts = pts;
        Matte = matte;
        Pixels = pixels;
        Coefficients = coefficients;
    }

    public long Pts { get; }
    public MatteBuffer? Matte { get; }
    public byte[]? Pixels { get; }
    public CoefficientFrame? Coefficients { get; }
    /// <summary>The state after this frame, when a chunk ends with it: the writer saves it with the chunk's checkpoint.</summary>
    public StateSnapshot? Checkpoint { get; }
}

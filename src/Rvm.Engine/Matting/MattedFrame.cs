using Rvm.Inference;

namespace Rvm.Matting;

/// <summary>A frame leaving the network: its full-size matte, or (coefficient cut) its bytes and coefficients.</summary>
internal readonly struct MattedFrame
{
    public MattedFrame(long pts, MatteBuffer? matte, byte[]? pixels, CoefficientFrame? coefficients)
    {
        Pts = pts;
        Matte = matte;
        Pixels = pixels;
        Coefficients = coefficients;
    }

    public long Pts { get; }
    public MatteBuffer? Matte { get; }
    public byte[]? Pixels { get; }
    public CoefficientFrame? Coefficients { get; }
}

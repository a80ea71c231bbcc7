using System;
using Rvm.Imaging;

namespace Rvm.Inference;

/// <summary>What the network made of one frame: alpha and foreground at the frame's size, and the state for the next frame.</summary>
public sealed class RvmFrameResult
{
    public RvmFrameResult(long index, int width, int height, float[] alpha, float[] foreground, RecurrentState state, float ratio, string? source)
    {
        Index = index;
        Width = width;
        Height = height;
        Alpha = alpha;
        Foreground = foreground;
        State = state;
        DownsampleRatio = ratio;
        Source = source;
    }

    public long Index { get; }
    public int Width { get; }
    public int Height { get; }
    /// <summary>Height*Width values in [0,1], row-major.</summary>
    public float[] Alpha { get; }
    /// <summary>Height*Width*3 values in [0,1], RGB interleaved.</summary>
    public float[] Foreground { get; }
    public RecurrentState State { get; }
    public float DownsampleRatio { get; }
    public string? Source { get; }

    /// <summary>Mean alpha: how much of the picture is subject.</summary>
    public double AlphaMean
    {
        get
        {
            double sum = 0;
            foreach (var a in Alpha) sum += a;
            return Alpha.Length == 0 ? 0 : sum / Alpha.Length;
        }
    }

    public void SaveAlpha(string path) => PngEncoder.WriteGray8(path, Width, Height, Compositor.AlphaBytes(Alpha));

    public void SaveForeground(string path) => PngEncoder.WriteRgb8(path, Width, Height, Compositor.ForegroundBytes(Foreground));

    /// <summary>RGBA PNG with straight (unpremultiplied) alpha: foreground colour, matte as alpha.</summary>
    public void SaveTransparent(string path) => PngEncoder.WriteRgba8(path, Width, Height, Compositor.StraightRgba(Foreground, Alpha));

    /// <summary>RGB PNG of the foreground over a solid colour: fgr*a + bg*(1-a).</summary>
    public void SaveComposite(string path, RgbColor background) =>
        PngEncoder.WriteRgb8(path, Width, Height, Compositor.OverColour(Foreground, Alpha, background));

    public override string ToString() => $"Frame {Index} {Width}x{Height} alpha mean {AlphaMean:0.000}";
}

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
    /// <summary>The frame the network was given: what <see cref="SaveBlurred"/> blurs. Null for a result made by hand.</summary>
    internal RgbFrame? Input { get; set; }

    /// <summary>This result with another alpha (the same size), e.g. after the matte controls.</summary>
    internal RvmFrameResult WithAlpha(float[] alpha) => new RvmFrameResult(Index, Width, Height, alpha, Foreground, State, DownsampleRatio, Source) { Input = Input };

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

    public void SaveAlpha(string path) => PngEncoder.WriteGray8(path, Width, Height, Bytes(Alpha));

    public void SaveForeground(string path) => PngEncoder.WriteRgb8(path, Width, Height, Bytes(Foreground));

    /// <summary>RGBA PNG with straight (unpremultiplied) alpha: foreground colour, matte as alpha.</summary>
    public void SaveTransparent(string path) => PngEncoder.WriteRgba8(path, Width, Height, StraightRgba());

    /// <summary>RGB PNG of the foreground over a solid colour: fgr*a + bg*(1-a).</summary>
    public void SaveComposite(string path, RgbColor background) => PngEncoder.WriteRgb8(path, Width, Height, OverColour(background));

    /// <summary>
    /// RGB PNG of the foreground over the input's own background, blurred (-Background Blur) with
    /// <paramref name="radius"/>, composed as a converted video is (<see cref="Matting.BackgroundBlur"/>).
    /// </summary>
    public void SaveBlurred(string path, int radius) => PngEncoder.WriteRgb8(path, Width, Height, OverBlur(radius));

    /// <summary>Interleaved RGB bytes of the foreground over the input's background, blurred.</summary>
    internal byte[] OverBlur(int radius)
    {
        if (Input == null) throw new InvalidOperationException($"Frame {Index} carries no input frame to blur: only results of Invoke-RvmFrame do.");
        int w = Width, pixels = Alpha.Length;
        var gbr = new byte[3 * pixels];
        PlanarPixels.RgbToGbrPlanes(Input.Pixels, gbr, pixels);
        var blur = new Matting.BackgroundBlur(w, Height, radius);
        blur.Prepare(gbr, Alpha);
        var band = blur.CreateBand();
        var behind = new[] { new float[w], new float[w], new float[w] }; // G, B, R
        var foreground = new float[w];
        var composed = new byte[w];
        var rgb = new byte[3 * pixels];
        for (int y = 0; y < Height; y++)
        {
            blur.Row(band, y, behind[0], behind[1], behind[2]);
            for (int c = 0; c < 3; c++)
            {
                for (int x = 0; x < w; x++) foreground[x] = Foreground[3 * (y * w + x) + c];
                // R, G, B here; the blur's planes are G, B, R.
                PlanarPixels.OverFloats(foreground, Alpha.AsSpan(y * w, w), behind[(c + 2) % 3], composed);
                for (int x = 0; x < w; x++) rgb[3 * (y * w + x) + c] = composed[x];
            }
        }
        return rgb;
    }

    /// <summary>Interleaved RGBA bytes: the foreground's colour and the matte.</summary>
    internal byte[] StraightRgba()
    {
        var rgb = Bytes(Foreground);
        var alpha = Bytes(Alpha);
        var rgba = new byte[alpha.Length * 4];
        for (int p = 0; p < alpha.Length; p++)
        {
            rgba[4 * p] = rgb[3 * p];
            rgba[4 * p + 1] = rgb[3 * p + 1];
            rgba[4 * p + 2] = rgb[3 * p + 2];
            rgba[4 * p + 3] = alpha[p];
        }
        return rgba;
    }

    /// <summary>Interleaved RGB bytes of the foreground over a colour, composed plane by plane as a converted video is.</summary>
    internal byte[] OverColour(RgbColor background)
    {
        int pixels = Alpha.Length;
        var plane = new float[pixels];
        var composed = new byte[pixels];
        var rgb = new byte[pixels * 3];
        var colour = new[] { background.Red / 255f, background.Green / 255f, background.Blue / 255f };
        for (int c = 0; c < 3; c++)
        {
            for (int p = 0; p < pixels; p++) plane[p] = Foreground[3 * p + c];
            PlanarPixels.OverConstant(plane, Alpha, colour[c], composed);
            for (int p = 0; p < pixels; p++) rgb[3 * p + c] = composed[p];
        }
        return rgb;
    }

    private static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length];
        PlanarPixels.ToBytes(values, bytes);
        return bytes;
    }

    public override string ToString() => $"Frame {Index} {Width}x{Height} alpha mean {AlphaMean:0.000}";
}

namespace Rvm.Imaging;

/// <summary>
/// Turns one picture's network outputs (interleaved floats in [0,1]) into 8-bit pictures: matte, foreground,
/// composites. The video pipeline works on planes instead (<see cref="PlanarPixels"/>).
/// </summary>
internal static class Compositor
{
    public static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 1 ? (byte)255 : (byte)(v * 255f + 0.5f);

    public static byte[] AlphaBytes(float[] alpha)
    {
        var into = new byte[alpha.Length];
        for (int i = 0; i < alpha.Length; i++) into[i] = ToByte(alpha[i]);
        return into;
    }

    public static byte[] ForegroundBytes(float[] foreground)
    {
        var into = new byte[foreground.Length];
        for (int i = 0; i < foreground.Length; i++) into[i] = ToByte(foreground[i]);
        return into;
    }

    /// <summary>RGBA with straight (unpremultiplied) alpha: the foreground's colour and the matte.</summary>
    public static byte[] StraightRgba(float[] foreground, float[] alpha)
    {
        var into = new byte[alpha.Length * 4];
        for (int p = 0; p < alpha.Length; p++)
        {
            into[4 * p] = ToByte(foreground[3 * p]);
            into[4 * p + 1] = ToByte(foreground[3 * p + 1]);
            into[4 * p + 2] = ToByte(foreground[3 * p + 2]);
            into[4 * p + 3] = ToByte(alpha[p]);
        }
        return into;
    }

    /// <summary>fgr * a + bg * (1 - a) over one colour.</summary>
    public static byte[] OverColour(float[] foreground, float[] alpha, RgbColor background)
    {
        var into = new byte[foreground.Length];
        float r = background.Red / 255f, g = background.Green / 255f, b = background.Blue / 255f;
        for (int p = 0; p < alpha.Length; p++)
        {
            float a = alpha[p], k = 1 - a;
            into[3 * p] = ToByte(foreground[3 * p] * a + r * k);
            into[3 * p + 1] = ToByte(foreground[3 * p + 1] * a + g * k);
            into[3 * p + 2] = ToByte(foreground[3 * p + 2] * a + b * k);
        }
        return into;
    }
}

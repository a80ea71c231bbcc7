namespace Rvm.Imaging;

/// <summary>
/// Turns network outputs (floats in [0,1]) into 8-bit pictures: matte, foreground, composites. Each has a form
/// that fills a caller's buffer, so a video pipeline reuses its buffers frame after frame.
/// </summary>
public static class Compositor
{
    public static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 1 ? (byte)255 : (byte)(v * 255f + 0.5f);

    public static byte[] AlphaBytes(float[] alpha) => AlphaBytes(alpha, new byte[alpha.Length]);

    public static byte[] AlphaBytes(float[] alpha, byte[] into)
    {
        for (int i = 0; i < alpha.Length; i++) into[i] = ToByte(alpha[i]);
        return into;
    }

    public static byte[] ForegroundBytes(float[] foreground) => ForegroundBytes(foreground, new byte[foreground.Length]);

    public static byte[] ForegroundBytes(float[] foreground, byte[] into)
    {
        for (int i = 0; i < foreground.Length; i++) into[i] = ToByte(foreground[i]);
        return into;
    }

    public static byte[] StraightRgba(float[] foreground, float[] alpha) => StraightRgba(foreground, alpha, new byte[alpha.Length * 4]);

    /// <summary>RGBA with straight (unpremultiplied) alpha: the foreground's colour and the matte.</summary>
    public static byte[] StraightRgba(float[] foreground, float[] alpha, byte[] into)
    {
        for (int p = 0; p < alpha.Length; p++)
        {
            into[4 * p] = ToByte(foreground[3 * p]);
            into[4 * p + 1] = ToByte(foreground[3 * p + 1]);
            into[4 * p + 2] = ToByte(foreground[3 * p + 2]);
            into[4 * p + 3] = ToByte(alpha[p]);
        }
        return into;
    }

    public static byte[] OverColour(float[] foreground, float[] alpha, RgbColor background) =>
        OverColour(foreground, alpha, background, new byte[foreground.Length]);

    /// <summary>fgr * a + bg * (1 - a) over one colour.</summary>
    public static byte[] OverColour(float[] foreground, float[] alpha, RgbColor background, byte[] into)
    {
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

    /// <summary>fgr * a + bg * (1 - a) over a picture of the same size (RGB24).</summary>
    public static byte[] OverPicture(float[] foreground, float[] alpha, byte[] background, byte[] into)
    {
        const float Inverse255 = 1f / 255f;
        for (int p = 0; p < alpha.Length; p++)
        {
            float a = alpha[p], k = (1 - a) * Inverse255;
            into[3 * p] = ToByte(foreground[3 * p] * a + background[3 * p] * k);
            into[3 * p + 1] = ToByte(foreground[3 * p + 1] * a + background[3 * p + 1] * k);
            into[3 * p + 2] = ToByte(foreground[3 * p + 2] * a + background[3 * p + 2] * k);
        }
        return into;
    }
}

namespace Rvm.Imaging;

/// <summary>Turns network outputs (floats in [0,1]) into 8-bit pictures: matte, foreground, composites.</summary>
public static class Compositor
{
    public static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 1 ? (byte)255 : (byte)(v * 255f + 0.5f);

    public static byte[] AlphaBytes(float[] alpha)
    {
        var result = new byte[alpha.Length];
        for (int i = 0; i < alpha.Length; i++) result[i] = ToByte(alpha[i]);
        return result;
    }

    public static byte[] ForegroundBytes(float[] foreground)
    {
        var result = new byte[foreground.Length];
        for (int i = 0; i < foreground.Length; i++) result[i] = ToByte(foreground[i]);
        return result;
    }

    public static byte[] StraightRgba(float[] foreground, float[] alpha)
    {
        var result = new byte[alpha.Length * 4];
        for (int p = 0; p < alpha.Length; p++)
        {
            result[4 * p] = ToByte(foreground[3 * p]);
            result[4 * p + 1] = ToByte(foreground[3 * p + 1]);
            result[4 * p + 2] = ToByte(foreground[3 * p + 2]);
            result[4 * p + 3] = ToByte(alpha[p]);
        }
        return result;
    }

    public static byte[] OverColour(float[] foreground, float[] alpha, RgbColor background)
    {
        float r = background.Red / 255f, g = background.Green / 255f, b = background.Blue / 255f;
        var result = new byte[foreground.Length];
        for (int p = 0; p < alpha.Length; p++)
        {
            float a = alpha[p], k = 1 - a;
            result[3 * p] = ToByte(foreground[3 * p] * a + r * k);
            result[3 * p + 1] = ToByte(foreground[3 * p + 1] * a + g * k);
            result[3 * p + 2] = ToByte(foreground[3 * p + 2] * a + b * k);
        }
        return result;
    }
}

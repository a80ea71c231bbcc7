using System;
using System.Threading.Tasks;

namespace Rvm.Inference;

/// <summary>Moves pixels between packed RGB bytes and the network's NCHW float tensors.</summary>
internal static class FrameTensors
{
    private const float Inverse255 = 1f / 255f;

    /// <summary>RGB24 to planar [3,H,W] in [0,1].</summary>
    public static void ToPlanar(byte[] rgb, int width, int height, float[] planar)
    {
        int plane = width * height;
        Parallel.For(0, height, y =>
        {
            int p = y * width;
            for (int i = 3 * p, end = 3 * (p + width); i < end; i += 3, p++)
            {
                planar[p] = rgb[i] * Inverse255;
                planar[plane + p] = rgb[i + 1] * Inverse255;
                planar[2 * plane + p] = rgb[i + 2] * Inverse255;
            }
        });
    }

    /// <summary>Planar [C,H,W] to interleaved [H,W,C], clamped to [0,1].</summary>
    public static float[] ToInterleavedClamped(ReadOnlySpan<float> planar, int channels, int plane)
    {
        var result = new float[plane * channels];
        for (int c = 0; c < channels; c++)
        {
            var source = planar.Slice(c * plane, plane);
            for (int p = 0; p < plane; p++) result[p * channels + c] = Clamp(source[p]);
        }
        return result;
    }

    private static float Clamp(float v) => v < 0 ? 0 : v > 1 ? 1 : v;
}

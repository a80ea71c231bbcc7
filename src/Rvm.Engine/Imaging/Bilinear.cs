using System;

namespace Rvm.Imaging;

/// <summary>
/// TensorFlow's ResizeBilinear with half-pixel centres and no antialiasing, as RVM's graph resizes: the frame down
/// to the network's size, and the guided filter's coefficients back up. Computed in float32 as TensorFlow does.
/// </summary>
internal static class Bilinear
{
    /// <summary>The size TF gives a side resized by a ratio: (int)(size · ratio), in float32.</summary>
    public static int ScaledSize(int size, float ratio) => Math.Max(1, (int)((float)size * ratio));

    /// <summary>Where output index <paramref name="i"/> reads: the two source indices and the weight of the second.</summary>
    public static (int Lower, int Upper, float Weight) Sample(int i, int outSize, int inSize)
    {
        float scale = (float)inSize / outSize;
        float f = (i + 0.5f) * scale - 0.5f;
        float floor = (float)Math.Floor(f);
        int lower = Math.Max((int)floor, 0);
        int upper = Math.Max(Math.Min((int)Math.Ceiling(f), inSize - 1), 0);
        return (lower, upper, f - floor);
    }

    /// <summary>
    /// A frame given as planes G, B, R (bytes, width·height each) resized to planes R, G, B of floats in [0,1]
    /// (<paramref name="into"/>, 3·outWidth·outHeight): the network's input at its own resolution.
    /// </summary>
    public static void DownsamplePlanarGbr(ReadOnlySpan<byte> gbrp, int width, int height, Span<float> into, int outWidth, int outHeight,
        int[] x0, int[] x1, float[] wx)
    {
        const float unit = 1f / 255f;
        int plane = width * height, outPlane = outWidth * outHeight;
        for (int y = 0; y < outHeight; y++)
        {
            var (y0, y1, wy) = Sample(y, outHeight, height);
            for (int c = 0; c < 3; c++)
            {
                // Network planes are R, G, B; ffmpeg's are G, B, R.
                var source = gbrp.Slice((c + 2) % 3 * plane, plane);
                var top = source.Slice(y0 * width, width);
                var bottom = source.Slice(y1 * width, width);
                var row = into.Slice(c * outPlane + y * outWidth, outWidth);
                for (int x = 0; x < outWidth; x++)
                {
                    float tl = top[x0[x]] * unit, tr = top[x1[x]] * unit, bl = bottom[x0[x]] * unit, br = bottom[x1[x]] * unit;
                    float t = tl + (tr - tl) * wx[x];
                    float b = bl + (br - bl) * wx[x];
                    row[x] = t + (b - t) * wy;
                }
            }
        }
    }

    /// <summary>The column table of a resize from <paramref name="inSize"/> to <paramref name="outSize"/>, for <see cref="DownsamplePlanarGbr"/>.</summary>
    public static (int[] Lower, int[] Upper, float[] Weight) Columns(int outSize, int inSize)
    {
        var lower = new int[outSize];
        var upper = new int[outSize];
        var weight = new float[outSize];
        for (int x = 0; x < outSize; x++) (lower[x], upper[x], weight[x]) = Sample(x, outSize, inSize);
        return (lower, upper, weight);
    }
}

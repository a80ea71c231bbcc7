using System;

namespace Rvm.Inference;

internal static class DownsampleRatio
{
    /// <summary>RVM's own rule: the long side goes to at most 512 pixels, never up.</summary>
    public static float Auto(int width, int height) => (float)Math.Min(512.0 / Math.Max(width, height), 1.0);

    public static float Validate(float ratio)
    {
        if (!(ratio > 0 && ratio <= 1)) throw new ArgumentOutOfRangeException(nameof(ratio), $"The downsample ratio must be in (0, 1], not {ratio}.");
        return ratio;
    }
}

using System;

namespace Rvm.Conversion.Quantization;

/// <summary>The values one activation took during calibration, and the uint8 quantization they give.</summary>
internal readonly struct ActivationRange
{
    public ActivationRange(float min, float max)
    {
        Min = min;
        Max = max;
    }

    public float Min { get; }
    public float Max { get; }

    public ActivationRange Including(ActivationRange other) => new ActivationRange(Math.Min(Min, other.Min), Math.Max(Max, other.Max));

    /// <summary>Scale and zero point of an asymmetric uint8 over the range widened to hold 0 (zero padding must be exact).</summary>
    public (float Scale, byte ZeroPoint) ToUInt8()
    {
        float min = Math.Min(0, Min), max = Math.Max(0, Max);
        if (max - min <= 0) return (1f, 0);
        float scale = (max - min) / 255f;
        return (scale, (byte)Math.Max(0, Math.Min(255, (int)Math.Round(-min / scale, MidpointRounding.AwayFromZero))));
    }
}

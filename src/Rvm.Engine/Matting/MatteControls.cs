using System;

namespace Rvm.Matting;

/// <summary>
/// Adjustments of the alpha the network makes, applied before the outputs are composed, so that the alpha, the
/// composition and the transparent composition agree. In order: temporal smoothing, threshold, grow or shrink,
/// feather. All at their defaults: the alpha is the network's, byte for byte.
/// </summary>
public sealed class MatteControls
{
    /// <summary>Largest grow, shrink or feather radius in pixels.</summary>
    public const int MaxRadius = 500;

    /// <summary>Pixels to grow the matte by (a maximum over a square of side 2·Grow+1); negative shrinks it (a minimum).</summary>
    public int Grow { get; set; }
    /// <summary>Radius of a soft edge in pixels: three box blurs of this radius, close to a Gaussian of σ ≈ Feather + 0.5.</summary>
    public int Feather { get; set; }
    /// <summary>Alpha at or below this becomes 0, at or above <see cref="ThresholdHigh"/> 1, linear between.</summary>
    public float ThresholdLow { get; set; }
    public float ThresholdHigh { get; set; } = 1f;
    /// <summary>
    /// Weight of the previous frame's alpha, in [0,1): per pixel α = α_new + w·(α_prev − α_new) with
    /// w = TemporalSmoothing·max(0, 1 − 4·|α_new − α_prev|), so a pixel whose alpha moves by 0.25 or more takes the
    /// new value outright (no ghost behind motion) while small flicker is averaged away.
    /// </summary>
    public float TemporalSmoothing { get; set; }

    /// <summary>The controls from a cmdlet's parameters; <paramref name="threshold"/> is lo,hi or null.</summary>
    internal static MatteControls From(int grow, int feather, float[]? threshold, float smoothing)
    {
        var controls = new MatteControls { Grow = grow, Feather = feather, TemporalSmoothing = smoothing };
        if (threshold != null)
        {
            if (threshold.Length != 2) throw new ArgumentException($"MatteThreshold takes two alphas lo,hi; {threshold.Length} were given.");
            (controls.ThresholdLow, controls.ThresholdHigh) = (threshold[0], threshold[1]);
        }
        return controls;
    }

    public bool HasThreshold => ThresholdLow != 0f || ThresholdHigh != 1f;

    /// <summary>True when nothing is adjusted.</summary>
    public bool IsDefault => Grow == 0 && Feather == 0 && !HasThreshold && TemporalSmoothing == 0f;

    /// <summary>Throws <see cref="ArgumentException"/> naming the value that is out of range.</summary>
    public void Validate()
    {
        if (Math.Abs(Grow) > MaxRadius) throw new ArgumentException($"MatteGrow {Grow} is out of range: give -{MaxRadius}..{MaxRadius} pixels.");
        if (Feather < 0 || Feather > MaxRadius) throw new ArgumentException($"MatteFeather {Feather} is out of range: give 0..{MaxRadius} pixels.");
        if (!(ThresholdLow >= 0f && ThresholdHigh <= 1f && ThresholdLow < ThresholdHigh))
            throw new ArgumentException($"MatteThreshold {ThresholdLow},{ThresholdHigh} is out of range: give two alphas lo,hi with 0 <= lo < hi <= 1.");
        if (!(TemporalSmoothing >= 0f && TemporalSmoothing < 1f))
            throw new ArgumentException($"TemporalSmoothing {TemporalSmoothing} is out of range: give 0 (off) up to below 1 (1 would freeze the matte).");
    }
}

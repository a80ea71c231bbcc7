namespace Rvm.Diagnostics;

/// <summary>
/// One golden case (tests/golden) run by a model and by a reference model (fp32), both against TensorFlow.js: the
/// alpha errors of each, and for sequences how much alpha moves between frames.
/// </summary>
public sealed class PrecisionFidelityCase
{
    /// <summary>input/ratio folder, e.g. vtest-seq/r0375.</summary>
    public string Case { get; internal set; } = "";
    public float DownsampleRatio { get; internal set; }
    public int Frames { get; internal set; }
    /// <summary>Mean |α − α_TFJS| over every pixel of every frame.</summary>
    public double AlphaMae { get; internal set; }
    /// <summary>Largest |α − α_TFJS| of any pixel.</summary>
    public double AlphaMax { get; internal set; }
    public double ReferenceAlphaMae { get; internal set; }
    public double ReferenceAlphaMax { get; internal set; }
    /// <summary>Mean |α_t − α_t−1| over the sequence (0 for one frame): the model's own frame-to-frame change.</summary>
    public double MeanFrameChange { get; internal set; }
    public double ReferenceMeanFrameChange { get; internal set; }
    /// <summary>Mean |Δα_model − Δα_reference| between consecutive frames: flicker the model adds or removes (0 for one frame).</summary>
    public double FrameChangeError { get; internal set; }
}

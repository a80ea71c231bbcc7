namespace Rvm.Models;

/// <summary>What the user asked for: an official variant and precision, or a file or folder of their own.</summary>
public sealed class ModelRequest
{
    public RvmVariant Variant { get; set; } = RvmVariant.MobileNetV3;
    public RvmPrecision Precision { get; set; } = RvmPrecision.Fp32;
    /// <summary>A local .onnx file, a TFJS model.json, or a folder holding one; null for the official model.</summary>
    public string? Path { get; set; }
}

/// <summary>An ONNX file ready to load, and where it came from.</summary>
public sealed class ResolvedModel
{
    public ResolvedModel(string onnxPath, string source, string sha256, RvmVariant variant, RvmPrecision precision, string? coefficientsPath = null,
        string? sourceSha256 = null)
    {
        CoefficientsPath = coefficientsPath;
        OnnxPath = onnxPath;
        Source = source;
        Sha256 = sha256;
        SourceSha256 = sourceSha256 ?? sha256;
        Variant = variant;
        Precision = precision;
    }

    public string OnnxPath { get; }
    /// <summary>Where the weights came from, in words (release asset, npm mirror, local file).</summary>
    public string Source { get; }
    /// <summary>SHA-256 of the ONNX file at <see cref="OnnxPath"/> as verified; empty when not known (then loading computes it).</summary>
    public string Sha256 { get; }
    /// <summary>SHA-256 of what the model came from: the same ONNX file, or for a TensorFlow.js model its model.json.</summary>
    public string SourceSha256 { get; }
    public RvmVariant Variant { get; }
    public RvmPrecision Precision { get; }
    /// <summary>
    /// For a converted TFJS model, the same network ending at its guided filter's coefficients, so that the
    /// full-resolution tail can be computed outside ONNX Runtime in flat memory; null for ONNX files.
    /// </summary>
    public string? CoefficientsPath { get; }
}

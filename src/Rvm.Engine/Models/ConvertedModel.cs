namespace Rvm.Models;

/// <summary>A converted TFJS model: the ONNX model with RVM's interface, and its guided-filter coefficient cut.</summary>
internal readonly struct ConvertedModel
{
    public ConvertedModel(string onnxPath, string onnxSha256, string coefficientsPath)
    {
        OnnxPath = onnxPath;
        OnnxSha256 = onnxSha256;
        CoefficientsPath = coefficientsPath;
    }

    public string OnnxPath { get; }
    /// <summary>SHA-256 of the ONNX file as verified (against the pin, or as just written).</summary>
    public string OnnxSha256 { get; }
    public string CoefficientsPath { get; }
}

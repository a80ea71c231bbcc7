namespace Rvm.Models;

/// <summary>A converted TFJS model: the ONNX model with RVM's interface, and its guided-filter coefficient cut.</summary>
internal readonly struct ConvertedModel
{
    public ConvertedModel(string onnxPath, string coefficientsPath)
    {
        OnnxPath = onnxPath;
        CoefficientsPath = coefficientsPath;
    }

    public string OnnxPath { get; }
    public string CoefficientsPath { get; }
}

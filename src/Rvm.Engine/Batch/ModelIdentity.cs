using Rvm.Models;

namespace Rvm.Batch;

/// <summary>Which network a batch runs: a worker resolves the same variant and precision (or file) and checks its SHA-256.</summary>
internal sealed class ModelIdentity
{
    public RvmVariant Variant { get; set; } = RvmVariant.MobileNetV3;
    public RvmPrecision Precision { get; set; } = RvmPrecision.Fp32;
    /// <summary>Where the model came from: a file path or the default model's source.</summary>
    public string Source { get; set; } = "";
    /// <summary>SHA-256 of the ONNX bytes.</summary>
    public string Sha256 { get; set; } = "";
    /// <summary>A model file given by path (Import-RvmModel -Path); null: the cache resolves variant and precision.</summary>
    public string? Path { get; set; }
    /// <summary>The device name the worker loads on (Auto, Cpu, Cuda, ...).</summary>
    public string Device { get; set; } = "Auto";

    /// <param name="device">The device asked for; a model given by -Model runs on the kind of device it was loaded on.</param>
    public static ModelIdentity Of(Inference.RvmModel model, string device) => new ModelIdentity
    {
        Variant = model.Variant,
        Precision = model.Precision,
        Source = model.Source,
        Sha256 = model.Sha256,
        // A model imported from a file is found by that file again; the default model by the cache.
        Path = System.IO.File.Exists(model.Source) ? model.Source : null,
        Device = device,
    };
}

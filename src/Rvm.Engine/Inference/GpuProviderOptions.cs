using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Rvm.Inference;

/// <summary>
/// The CUDA and TensorRT provider options Rvm sets, as the key/value pairs ONNX Runtime takes. Nothing is left to
/// ONNX Runtime's defaults where they hurt a video: each choice says why.
/// </summary>
internal static class GpuProviderOptions
{
    public static Dictionary<string, string> Cuda(SessionSettings settings) => new Dictionary<string, string>
    {
        ["device_id"] = settings.DeviceId.ToString(CultureInfo.InvariantCulture),
        // EXHAUSTIVE (ONNX Runtime's default) benchmarks every convolution again for each new video size.
        ["cudnn_conv_algo_search"] = "HEURISTIC",
        // The default arena doubles its blocks and never shrinks; grow only by what is asked for.
        ["arena_extend_strategy"] = "kSameAsRequested",
        // TF32 moves fp32 results by about 1e-3: off unless asked for.
        ["use_tf32"] = settings.AllowTf32 ? "1" : "0",
    };

    /// <summary>
    /// TensorRT: engines and timing caches kept under <paramref name="cacheDirectory"/> (so the build cost is paid
    /// once per model and size), fp16 kernels for an fp16 model. Shape profiles are not set: RVM's states change
    /// shape after the first frame and their ranges differ per variant, which is one reason TensorRT is experimental.
    /// </summary>
    public static Dictionary<string, string> TensorRT(SessionSettings settings, string cacheDirectory, bool fp16) => new Dictionary<string, string>
    {
        ["device_id"] = settings.DeviceId.ToString(CultureInfo.InvariantCulture),
        ["trt_fp16_enable"] = fp16 ? "1" : "0",
        ["trt_engine_cache_enable"] = "1",
        ["trt_engine_cache_path"] = Path.Combine(cacheDirectory, "engines"),
        ["trt_timing_cache_enable"] = "1",
        ["trt_timing_cache_path"] = cacheDirectory,
    };
}

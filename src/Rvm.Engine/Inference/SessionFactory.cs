using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace Rvm.Inference;

/// <summary>
/// Builds ONNX Runtime sessions on the device asked for. GPU providers that cannot load (no CUDA 13 and
/// cuDNN 9 on this machine, say) make Auto fall back to the CPU with the reason, and make an explicit
/// -Device Cuda an error naming what is missing; nothing here may crash the host. A GPU session is run once on a
/// small blank frame before it is handed out (<see cref="GpuWarmUp"/>), so that libraries ONNX Runtime loads only
/// at the first run (cuDNN, cuBLAS, TensorRT's builder) fall back here too, not at frame 1.
/// </summary>
internal static class SessionFactory
{
    public const string CudaRequirement =
        "ONNX Runtime 1.31 with CUDA needs an NVIDIA driver, CUDA 13 (libcudart, libcublas, libcublasLt, libcufft) and cuDNN 9 on the library path";

    /// <param name="tensorRtCache">Where TensorRT keeps its engines and timing cache for this model.</param>
    /// <param name="fp16">The model is fp16: TensorRT may use fp16 kernels.</param>
    public static InferenceSession Create(byte[] model, SessionSettings settings, Action<string> verbose, out string device,
        string? tensorRtCache = null, bool fp16 = false)
    {
        switch (settings.Device)
        {
            case ExecutionDevice.Cpu:
                device = "CPU";
                return CreateCpu(model, settings, verbose);
            case ExecutionDevice.Cuda:
                return CreateGpu(model, settings, null, false, out device)
                    ?? throw new DeviceUnavailableException($"CUDA could not be used: {LastError}. {CudaRequirement}.");
            case ExecutionDevice.TensorRT:
            {
                var cache = tensorRtCache ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rvm-tensorrt");
                var session = CreateGpu(model, settings, cache, fp16, out device);
                if (session != null)
                {
                    verbose($"TensorRT (experimental) on device {settings.DeviceId}: engines cached in '{cache}'.");
                    return session;
                }
                verbose($"TensorRT could not be used ({LastError}); trying CUDA.");
                return CreateGpu(model, settings, null, false, out device)
                    ?? throw new DeviceUnavailableException($"Neither TensorRT nor CUDA could be used: {LastError}. {CudaRequirement}.");
            }
            default:
            {
                var session = CreateGpu(model, settings, null, false, out device);
                if (session != null)
                {
                    verbose($"Device Auto: using {device}.");
                    return session;
                }
                verbose($"Device Auto: CUDA is not available ({LastError}); using the CPU.");
                device = "CPU";
                return CreateCpu(model, settings, verbose);
            }
        }
    }

    [ThreadStatic] private static string? _lastError;
    private static string LastError => _lastError ?? "unknown error";

    /// <summary>A TensorRT session that could not be made leaves no empty cache folders behind (its own and tensorrt/).</summary>
    private static void RemoveEmptyCache(string folder)
    {
        foreach (var path in new[] { folder, System.IO.Path.GetDirectoryName(folder) })
        {
            try
            {
                if (path != null && System.IO.Directory.Exists(path) && !System.IO.Directory.EnumerateFileSystemEntries(path).Any())
                    System.IO.Directory.Delete(path);
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    private static SessionOptions BaseOptions(SessionSettings settings)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = settings.GraphOptimization switch
            {
                0 => GraphOptimizationLevel.ORT_DISABLE_ALL,
                1 => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                2 => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableMemoryPattern = settings.MemoryPattern,
            EnableCpuMemArena = settings.CpuArena,
        };
        if (settings.ThreadCount > 0) options.IntraOpNumThreads = settings.ThreadCount;
        // Idle ONNX Runtime threads sleep instead of spinning, leaving the cores to ffmpeg and the other
        // stages between operators (measured: 4.09 -> 4.63 fps end to end at 1080p on 2 cores, model alone unchanged).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", settings.AllowSpinning ? "1" : "0");
        return options;
    }

    private static InferenceSession CreateCpu(byte[] model, SessionSettings settings, Action<string> verbose)
    {
        using var options = BaseOptions(settings);
        verbose($"ONNX Runtime CPU session, intra-op threads: {(settings.ThreadCount > 0 ? settings.ThreadCount.ToString() : "default (one per core)")}.");
        return new InferenceSession(model, options);
    }

    /// <summary>A CUDA session, or with <paramref name="tensorRtCache"/> a TensorRT one (CUDA for what TensorRT leaves), run once.</summary>
    private static InferenceSession? CreateGpu(byte[] model, SessionSettings settings, string? tensorRtCache, bool fp16, out string device)
    {
        bool tensorRt = tensorRtCache != null;
        device = $"{(tensorRt ? "TensorRT" : "CUDA")}:{settings.DeviceId}";
        // Without the add-on there is nothing to try, and ONNX Runtime's own error would only name a missing file.
        var missing = NativeLibraryProbe.WhyCudaProviderMissing();
        if (missing != null)
        {
            _lastError = missing;
            return null;
        }
        var options = BaseOptions(settings);
        // A provider that cannot load is expected here, and reported by the caller in words; keep ONNX
        // Runtime from also printing its own error line to the console.
        var env = OrtEnv.Instance();
        var logLevel = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            var session = GpuWarmUp.TryCreate(() =>
            {
                if (tensorRt)
                {
                    System.IO.Directory.CreateDirectory(tensorRtCache!);
                    using var trt = new OrtTensorRTProviderOptions();
                    trt.UpdateOptions(GpuProviderOptions.TensorRT(settings, tensorRtCache!, fp16));
                    options.AppendExecutionProvider_Tensorrt(trt);
                }
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(GpuProviderOptions.Cuda(settings));
                options.AppendExecutionProvider_CUDA(cuda);
                return new InferenceSession(model, options);
            }, out var reason);
            if (session == null)
            {
                var detail = NativeLibraryProbe.WhyCudaProviderFails();
                _lastError = reason + (detail != null ? $" ({detail})" : "");
                if (tensorRt) RemoveEmptyCache(tensorRtCache!);
            }
            return session;
        }
        catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
        {
            _lastError = $"the TensorRT cache '{tensorRtCache}' cannot be made: {e.Message}";
            return null;
        }
        finally
        {
            env.EnvLogLevel = logLevel;
            options.Dispose();
        }
    }
}

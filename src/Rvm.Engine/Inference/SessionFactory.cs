using System;
using Microsoft.ML.OnnxRuntime;

namespace Rvm.Inference;

/// <summary>
/// Builds ONNX Runtime sessions on the device asked for. GPU providers that cannot load (no CUDA 13 and
/// cuDNN 9 on this machine, say) make Auto fall back to the CPU with the reason, and make an explicit
/// -Device Cuda an error naming what is missing; nothing here may crash the host.
/// </summary>
internal static class SessionFactory
{
    public const string CudaRequirement =
        "ONNX Runtime 1.31 with CUDA needs an NVIDIA driver, CUDA 13 (libcudart, libcublas, libcublasLt, libcufft) and cuDNN 9 on the library path";

    public static InferenceSession Create(byte[] model, SessionSettings settings, Action<string> verbose, out string device)
    {
        switch (settings.Device)
        {
            case ExecutionDevice.Cpu:
                device = "CPU";
                return CreateCpu(model, settings, verbose);
            case ExecutionDevice.Cuda:
                return CreateGpu(model, settings, tensorRt: false, out device)
                    ?? throw new DeviceUnavailableException($"CUDA could not be used: {LastError}. {CudaRequirement}.");
            case ExecutionDevice.TensorRT:
            {
                var session = CreateGpu(model, settings, tensorRt: true, out device);
                if (session != null) return session;
                verbose($"TensorRT could not be used ({LastError}); trying CUDA.");
                return CreateGpu(model, settings, tensorRt: false, out device)
                    ?? throw new DeviceUnavailableException($"Neither TensorRT nor CUDA could be used: {LastError}. {CudaRequirement}.");
            }
            default:
            {
                var session = CreateGpu(model, settings, tensorRt: false, out device);
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

    private static InferenceSession? CreateGpu(byte[] model, SessionSettings settings, bool tensorRt, out string device)
    {
        device = $"{(tensorRt ? "TensorRT" : "CUDA")}:{settings.DeviceId}";
        var options = BaseOptions(settings);
        // A provider that cannot load is expected here, and reported by the caller in words; keep ONNX
        // Runtime from also printing its own error line to the console.
        var env = OrtEnv.Instance();
        var logLevel = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            if (tensorRt) options.AppendExecutionProvider_Tensorrt(settings.DeviceId);
            options.AppendExecutionProvider_CUDA(settings.DeviceId);
            return new InferenceSession(model, options);
        }
        catch (Exception e) when (e is OnnxRuntimeException || e is DllNotFoundException || e is EntryPointNotFoundException)
        {
            var detail = NativeLibraryProbe.WhyCudaProviderFails();
            _lastError = FirstLine(e.Message) + (detail != null ? $" ({detail})" : "");
            return null;
        }
        finally
        {
            env.EnvLogLevel = logLevel;
            options.Dispose();
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length > 400 ? line.Substring(0, 400) + "…" : line;
    }
}

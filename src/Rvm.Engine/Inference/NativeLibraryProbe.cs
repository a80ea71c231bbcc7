using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Rvm.Inference;

/// <summary>
/// Says why ONNX Runtime's CUDA provider library cannot load (for example "libcublasLt.so.13: cannot open
/// shared object file", or on Windows "cudnn64_9.dll was not found"), which ONNX Runtime's own exception leaves
/// out. Only used after a load failed.
/// </summary>
internal static class NativeLibraryProbe
{
    public static string? WhyCudaProviderFails()
    {
        bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        var name = windows ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
        var managed = Path.GetDirectoryName(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.Location) ?? "";
        var rid = windows ? "win-x64" : "linux-x64";
        var path = new[] { Path.Combine(managed, name), Path.Combine(managed, "runtimes", rid, "native", name) }.FirstOrDefault(File.Exists);
        if (path == null) return $"{name} is not installed beside ONNX Runtime in '{managed}'";
        try
        {
            return windows ? WhyWindows(path) : WhyUnix(path);
        }
        catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static string? WhyUnix(string path)
    {
        const int RtldNow = 2;
        // The first call into libdl loads it through dlopen, which would reset the error we want: call once first.
        dlerror();
        var handle = dlopen(path, RtldNow);
        if (handle != IntPtr.Zero)
        {
            dlclose(handle);
            return null;
        }
        var error = dlerror();
        return error == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(error);
    }

    /// <summary>
    /// The CUDA libraries onnxruntime_providers_cuda.dll needs on Windows (ONNX Runtime 1.31, CUDA 13): cuBLAS in its
    /// import table, cuDNN, cuFFT and the CUDA runtime loaded when a session starts.
    /// </summary>
    internal static readonly IReadOnlyList<string> WindowsCudaLibraries = new[]
    {
        "cudart64_13.dll", "cublas64_13.dll", "cublasLt64_13.dll", "cufft64_12.dll", "cudnn64_9.dll",
    };

    private static string? WhyWindows(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var handle = LoadLibraryEx(path, IntPtr.Zero, LoadWithAlteredSearchPath);
        int error = handle == IntPtr.Zero ? Marshal.GetLastWin32Error() : 0;
        if (handle != IntPtr.Zero) FreeLibrary(handle);
        return WindowsReason(Path.GetFileName(path), error, WindowsDllSearch.Folders(folder), File.Exists);
    }

    /// <summary>
    /// Names what is missing, looking where ONNX Runtime's loader looks (its folder, System32, PATH). The libraries
    /// loaded only when a session starts (cuDNN, cuFFT) are named even when the provider itself loads.
    /// </summary>
    internal static string? WindowsReason(string provider, int loadError, IReadOnlyList<string> folders, Func<string, bool> fileExists)
    {
        var runtime = WindowsNativeLibraries.VisualCppProblem(folders, fileExists);
        if (runtime != null) return runtime;
        var missing = WindowsDllSearch.Missing(WindowsCudaLibraries, folders, fileExists);
        if (missing.Count > 0)
            return $"{string.Join(", ", missing)} {(missing.Count == 1 ? "was" : "were")} not found in '{folders[0]}' or on PATH: " +
                "install CUDA 13 and cuDNN 9 and add their bin folders to PATH";
        return loadError == 0 ? null : $"{provider} or a library it needs could not be loaded (Windows error {loadError})";
    }

    [DllImport("libdl.so.2", EntryPoint = "dlopen")] private static extern IntPtr dlopen(string file, int mode);
    [DllImport("libdl.so.2", EntryPoint = "dlerror")] private static extern IntPtr dlerror();
    [DllImport("libdl.so.2", EntryPoint = "dlclose")] private static extern int dlclose(IntPtr handle);
    private const uint LoadWithAlteredSearchPath = 0x00000008;
    [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)] private static extern IntPtr LoadLibraryEx(string path, IntPtr file, uint flags);
    [DllImport("kernel32")] private static extern bool FreeLibrary(IntPtr handle);
}

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
        var path = CudaProviderPath();
        if (path == null) return WhyCudaProviderMissing();
        try
        {
            return Windows ? WhyWindows(path) : WhyUnix(path);
        }
        catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static bool Windows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    private static string CudaProviderName => Windows ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";

    /// <summary>The CUDA provider beside the ONNX Runtime in use (flat, or in NuGet's runtimes layout as in a build's bin), or null.</summary>
    private static string? CudaProviderPath()
    {
        var folder = OnnxRuntimeNatives.Folder;
        var rid = Windows ? "win-x64" : "linux-x64";
        return new[] { Path.Combine(folder, CudaProviderName), Path.Combine(folder, "runtimes", rid, "native", CudaProviderName) }.FirstOrDefault(File.Exists);
    }

    /// <summary>Why CUDA cannot be tried at all (its provider is not installed), or null when the provider is there.</summary>
    public static string? WhyCudaProviderMissing() =>
        CudaProviderPath() != null ? null : ProviderNotInstalled(CudaProviderName, OnnxRuntimeNatives.Folder, OnnxRuntimeNatives.LastSearch);

    /// <summary>The provider is not beside the ONNX Runtime in use: it comes with the add-on, which is not installed (or is another ONNX Runtime's).</summary>
    internal static string ProviderNotInstalled(string provider, string folder, CudaAddOnSearch search)
    {
        var passedOver = search.PassedOver.Count == 0 ? "" :
            $"; passed over {string.Join(", ", search.PassedOver)}, which {(search.PassedOver.Count == 1 ? "is not" : "are not")} for ONNX Runtime {CudaAddOn.OnnxRuntimeVersion}";
        return $"{provider} is not beside ONNX Runtime in '{folder}': the CUDA and TensorRT providers come in the {CudaAddOn.ModuleName} module, " +
            $"which is not installed ({CudaAddOn.InstallCommand}){passedOver}";
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

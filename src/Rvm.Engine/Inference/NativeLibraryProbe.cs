using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Rvm.Inference;

/// <summary>
/// Says why ONNX Runtime's CUDA provider library cannot load (for example "libcublasLt.so.13: cannot open
/// shared object file"), which ONNX Runtime's own exception leaves out. Only used after a load failed.
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

    private static string? WhyWindows(string path)
    {
        var handle = LoadLibraryEx(path, IntPtr.Zero, 0x00000100 | 0x00001000);
        if (handle != IntPtr.Zero)
        {
            FreeLibrary(handle);
            return null;
        }
        return $"{Path.GetFileName(path)} or a library it needs could not be loaded (Windows error {Marshal.GetLastWin32Error()})";
    }

    [DllImport("libdl.so.2", EntryPoint = "dlopen")] private static extern IntPtr dlopen(string file, int mode);
    [DllImport("libdl.so.2", EntryPoint = "dlerror")] private static extern IntPtr dlerror();
    [DllImport("libdl.so.2", EntryPoint = "dlclose")] private static extern int dlclose(IntPtr handle);
    [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)] private static extern IntPtr LoadLibraryEx(string path, IntPtr file, uint flags);
    [DllImport("kernel32")] private static extern bool FreeLibrary(IntPtr handle);
}

using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Rvm.Inference;

/// <summary>
/// Readies ONNX Runtime's Windows libraries when the module is imported. The module's own onnxruntime.dll is loaded
/// by its full path first, so an older onnxruntime.dll in System32 (Windows ships one) or on PATH can never be the
/// one the managed wrapper binds to; and a missing Visual C++ runtime is named with its fix, instead of a bare
/// "DllNotFoundException: onnxruntime" on the first frame.
/// </summary>
internal static class WindowsNativeLibraries
{
    /// <summary>
    /// The Visual C++ 2015–2022 runtime DLLs that onnxruntime.dll and onnxruntime_providers_cuda.dll import (read from
    /// the import tables of the ONNX Runtime 1.31 DLLs shipped; MSVCP140_ATOMIC_WAIT only comes with 2019 and later).
    /// </summary>
    public static readonly IReadOnlyList<string> VisualCppRuntime = new[]
    {
        "VCRUNTIME140.dll", "VCRUNTIME140_1.dll", "MSVCP140.dll", "MSVCP140_1.dll", "MSVCP140_ATOMIC_WAIT.dll",
    };

    public const string VisualCppAdvice =
        "Install the latest Microsoft Visual C++ 2015-2022 Redistributable (x64): 'winget install Microsoft.VCRedist.2015+.x64', " +
        "or https://aka.ms/vs/17/release/vc_redist.x64.exe.";

    private const string OnnxRuntimeDll = "onnxruntime.dll";
    private const uint LoadWithAlteredSearchPath = 0x00000008;

    // Loaded once per process and never freed: ONNX Runtime stays in use until the process ends.
    private static IntPtr _onnxRuntime;

    /// <summary>On Windows: checks the Visual C++ runtime, then loads the module's onnxruntime.dll by full path. Elsewhere nothing.</summary>
    public static void Prepare(string moduleFolder)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || _onnxRuntime != IntPtr.Zero) return;
        var problem = VisualCppProblem(WindowsDllSearch.Folders(moduleFolder), File.Exists);
        if (problem != null) throw new DllNotFoundException(problem);
        var own = Path.Combine(moduleFolder, OnnxRuntimeDll);
        if (!File.Exists(own)) return;
        var handle = LoadLibraryExW(own, IntPtr.Zero, LoadWithAlteredSearchPath);
        if (handle == IntPtr.Zero)
        {
            var error = new Win32Exception(Marshal.GetLastWin32Error());
            throw new DllNotFoundException($"'{own}' could not be loaded: {error.Message} (Windows error {error.NativeErrorCode}). {VisualCppAdvice}");
        }
        _onnxRuntime = handle;
    }

    /// <summary>What is missing of the Visual C++ runtime, with the fix; null when every DLL is found.</summary>
    public static string? VisualCppProblem(IReadOnlyList<string> folders, Func<string, bool> fileExists)
    {
        var missing = WindowsDllSearch.Missing(VisualCppRuntime, folders, fileExists);
        if (missing.Count == 0) return null;
        return $"ONNX Runtime needs the Visual C++ 2015-2022 runtime, and {string.Join(", ", missing)} " +
            $"{(missing.Count == 1 ? "was" : "were")} not found (in the module's folder, {folders.ElementAtOrDefault(1)} or on PATH). {VisualCppAdvice}";
    }

    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    private static extern IntPtr LoadLibraryExW(string path, IntPtr file, uint flags);
}

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Rvm.Inference;

/// <summary>
/// Which ONNX Runtime native library the process runs: the CUDA add-on's when it is installed (its providers load only
/// from beside it), else the module's own CPU one. Chosen once, when the module is imported and before ONNX Runtime's
/// first call, by a DllImport resolver on ONNX Runtime's managed assembly that loads the library by full path, so two
/// copies of it can never both be loaded.
/// </summary>
internal static class OnnxRuntimeNatives
{
    private static readonly object Gate = new object();
    private static string? _folder;
    private static IntPtr _library;
    private static CudaAddOnSearch _search = new CudaAddOnSearch(null, Array.Empty<string>());

    /// <summary>The folder ONNX Runtime's native library is loaded from: the chosen one, else beside the managed wrapper.</summary>
    public static string Folder => _folder ?? ManagedFolder;

    /// <summary>The CUDA add-on's folder when ONNX Runtime runs from it; null when it runs from Rvm's own (CPU) copy.</summary>
    public static string? AddOnFolder => _search.Folder != null && _folder == _search.Folder ? _folder : null;

    /// <summary>The add-on installs passed over because they carry another ONNX Runtime.</summary>
    public static CudaAddOnSearch LastSearch => _search;

    /// <summary>What to do for the GPU, given whether the add-on is the ONNX Runtime in use.</summary>
    public static string GpuAdvice => AddOnFolder != null
        ? $"Use -Device Auto or -Device Cpu; for the GPU, put CUDA 13 and cuDNN 9 on the library path ({CudaAddOn.ModuleName} is installed in '{AddOnFolder}')."
        : $"Use -Device Auto or -Device Cpu; for the GPU, install the {CudaAddOn.ModuleName} module ({CudaAddOn.InstallCommand}), CUDA 13 and cuDNN 9.";

    private static string ManagedFolder => Path.GetDirectoryName(typeof(InferenceSession).Assembly.Location) ?? "";

    /// <summary>
    /// Finds the add-on for the module in <paramref name="moduleFolder"/> and makes ONNX Runtime load from it, or from
    /// the module's folder. The first call wins: a second import in the same process finds ONNX Runtime already chosen.
    /// </summary>
    public static void Choose(string moduleFolder, string? psModulePath)
    {
        lock (Gate)
        {
            if (_folder != null) return;
            _search = CudaAddOn.Find(moduleFolder, (psModulePath ?? "").Split(Path.PathSeparator));
            var folder = _search.Folder ?? moduleFolder;
            WindowsNativeLibraries.Prepare(folder);
            if (!File.Exists(Path.Combine(folder, CudaAddOn.CoreLibrary))) return;
            if (TrySetResolver()) _folder = folder;
        }
    }

    private static bool TrySetResolver()
    {
        // NativeLibrary is .NET Core 3.0 and later, which PowerShell 7 is; the engine is netstandard2.0, hence reflection.
        var interop = typeof(Marshal).Assembly;
        var nativeLibrary = interop.GetType("System.Runtime.InteropServices.NativeLibrary");
        var resolverType = interop.GetType("System.Runtime.InteropServices.DllImportResolver");
        var set = nativeLibrary?.GetMethod("SetDllImportResolver", new[] { typeof(Assembly), resolverType! });
        if (set == null || resolverType == null) return false;
        var resolver = Delegate.CreateDelegate(resolverType, typeof(OnnxRuntimeNatives).GetMethod(nameof(Resolve), BindingFlags.NonPublic | BindingFlags.Static)!);
        try
        {
            set.Invoke(null, new object[] { typeof(InferenceSession).Assembly, resolver });
            return true;
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
        {
            // Someone else resolves ONNX Runtime's imports in this process: leave it to them.
            return false;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != "onnxruntime" || _folder == null) return IntPtr.Zero;
        lock (Gate)
        {
            if (_library == IntPtr.Zero)
            {
                var load = typeof(Marshal).Assembly.GetType("System.Runtime.InteropServices.NativeLibrary")!
                    .GetMethods().First(m => m.Name == "Load" && m.GetParameters().Length == 1);
                try { _library = (IntPtr)load.Invoke(null, new object[] { Path.Combine(_folder, CudaAddOn.CoreLibrary) })!; }
                catch (TargetInvocationException e) when (e.InnerException != null) { throw e.InnerException; }
            }
            return _library;
        }
    }
}

using System.IO;
using System.Management.Automation;
using Rvm.Inference;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>
/// Runs when Import-Module loads the module: on Windows, the module's own ONNX Runtime is loaded by full path and a
/// missing Visual C++ runtime fails the import with its fix, rather than the first frame with DllNotFoundException.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() =>
        WindowsNativeLibraries.Prepare(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!);
}

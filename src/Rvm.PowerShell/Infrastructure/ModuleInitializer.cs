using System;
using System.IO;
using System.Management.Automation;
using Rvm.Inference;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>
/// Runs when Import-Module loads the module, before any ONNX Runtime call: picks the ONNX Runtime to load (the CUDA
/// add-on's when it is installed, else the module's own), and on Windows loads it by full path, so that a missing
/// Visual C++ runtime fails the import with its fix rather than the first frame with DllNotFoundException.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() =>
        OnnxRuntimeNatives.Choose(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!,
            Environment.GetEnvironmentVariable("PSModulePath"));
}

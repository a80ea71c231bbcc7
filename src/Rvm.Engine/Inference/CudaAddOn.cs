using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Rvm.Inference;

/// <summary>
/// ONNX Runtime's CUDA and TensorRT providers ship apart from Rvm, as one module per platform: Rvm with them was a
/// 406 MB package, and the Gallery refuses about 250 MB. Compressed, the CUDA provider alone is 232 MB for Linux and
/// 154 MB for Windows, so both platforms in one add-on (386 MB) would not pass either. ONNX Runtime loads a provider
/// from the folder of its own core library, so an add-on carries a whole ONNX Runtime of the same build; its module
/// version is that ONNX Runtime's version, and Rvm runs ONNX Runtime from the add-on's folder when one of its
/// version is installed.
/// </summary>
internal static class CudaAddOn
{
    private static bool Windows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>This platform's add-on: Rvm.Cuda.Linux or Rvm.Cuda.Windows.</summary>
    public static string ModuleName => Windows ? "Rvm.Cuda.Windows" : "Rvm.Cuda.Linux";

    /// <summary>ONNX Runtime's core library, the one the add-on must carry for its providers to be loaded.</summary>
    public static string CoreLibrary => Windows ? "onnxruntime.dll" : "libonnxruntime.so";

    /// <summary>The ONNX Runtime the managed wrapper was built with (1.31.0): the add-on's version must be it.</summary>
    public static string OnnxRuntimeVersion { get; } = ThreeParts(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version);

    public static string InstallCommand => $"Install-PSResource {ModuleName} -Version {OnnxRuntimeVersion}";

    /// <summary>
    /// Looks for the add-on beside Rvm's own module folder (a versioned install, <c>root/Rvm/0.1.0</c>, or a flat one,
    /// <c>root/Rvm</c> as <c>out/</c> lays it out) and in each PSModulePath folder, in that order, in
    /// <c>Name/Version</c> or flat in <c>Name</c>.
    /// </summary>
    public static CudaAddOnSearch Find(string rvmFolder, IEnumerable<string> modulePaths) =>
        Find(rvmFolder, modulePaths, ModuleName, OnnxRuntimeVersion, CoreLibrary);

    internal static CudaAddOnSearch Find(string rvmFolder, IEnumerable<string> modulePaths, string moduleName, string version, string coreLibrary)
    {
        var mismatched = new List<string>();
        foreach (var root in Roots(rvmFolder, modulePaths))
        {
            var home = Path.Combine(root, moduleName);
            if (!Directory.Exists(home)) continue;
            var candidates = new[] { Path.Combine(home, version), home }
                .Concat(SafeSubfolders(home).Where(d => !string.Equals(Path.GetFileName(d), version, StringComparison.OrdinalIgnoreCase)));
            foreach (var folder in candidates.Distinct(StringComparer.Ordinal))
            {
                var found = ManifestVersion(Path.Combine(folder, moduleName + ".psd1"));
                if (found == null) continue;
                if (found != version) mismatched.Add($"{moduleName} {found} in '{folder}'");
                else if (!File.Exists(Path.Combine(folder, coreLibrary))) mismatched.Add($"{moduleName} {found} in '{folder}' without {coreLibrary}");
                else return new CudaAddOnSearch(folder, mismatched);
            }
        }
        return new CudaAddOnSearch(null, mismatched.Distinct().ToList());
    }

    private static IEnumerable<string> Roots(string rvmFolder, IEnumerable<string> modulePaths)
    {
        var own = new DirectoryInfo(rvmFolder);
        // Install-PSResource lays modules out as root/Name/Version; a build or a copy as root/Name.
        var ownRoot = Version.TryParse(own.Name, out _) ? own.Parent?.Parent : own.Parent;
        var roots = new List<string>();
        if (ownRoot != null) roots.Add(ownRoot.FullName);
        foreach (var path in modulePaths)
        {
            if (string.IsNullOrWhiteSpace(path)) continue;
            try { roots.Add(Path.GetFullPath(path)); }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException) { }
        }
        return roots.Select(WithoutTrailingSeparator).Distinct(StringComparer.Ordinal);
    }

    /// <summary>One folder written two ways is searched once; a root ("/", "C:\") stays a root.</summary>
    private static string WithoutTrailingSeparator(string path)
    {
        var root = Path.GetPathRoot(path) ?? "";
        var trimmed = path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return trimmed.Length < root.Length ? root : trimmed;
    }

    private static IEnumerable<string> SafeSubfolders(string folder)
    {
        try { return Directory.GetDirectories(folder); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return Array.Empty<string>(); }
    }

    private static readonly Regex ModuleVersionLine = new Regex(@"^\s*ModuleVersion\s*=\s*['""]([^'""]+)['""]", RegexOptions.Multiline);

    /// <summary>The ModuleVersion of a manifest that build.ps1 wrote, read as text: nothing here may run a .psd1.</summary>
    private static string? ManifestVersion(string manifest)
    {
        try
        {
            if (!File.Exists(manifest)) return null;
            var match = ModuleVersionLine.Match(File.ReadAllText(manifest));
            return match.Success ? match.Groups[1].Value.Trim() : "unreadable";
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    private static string ThreeParts(Version? version) =>
        version == null ? "0.0.0" : $"{version.Major}.{version.Minor}.{Math.Max(0, version.Build)}";
}

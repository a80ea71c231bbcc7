using System;
using System.IO;
using Rvm.Inference;
using Xunit;

namespace Rvm.Tests;

/// <summary>Where Rvm looks for its CUDA add-on, on folders laid out as Install-PSResource and build.ps1 lay them out.</summary>
public sealed class CudaAddOnTests : IDisposable
{
    private const string Name = "Rvm.Cuda.Linux";
    private const string Core = "libonnxruntime.so";
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"rvm-addon-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string Folder(params string[] parts)
    {
        var path = Path.Combine(_root, Path.Combine(parts));
        Directory.CreateDirectory(path);
        return path;
    }

    private string AddOn(string folder, string version, bool core = true)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Name + ".psd1"), $"# written by build.ps1\n@{{\n    ModuleVersion        = '{version}'\n    GUID = 'x'\n}}\n");
        if (core) File.WriteAllText(Path.Combine(folder, Core), "");
        return folder;
    }

    private CudaAddOnSearch Find(string rvmFolder, params string[] modulePaths) =>
        CudaAddOn.Find(rvmFolder, modulePaths, Name, "1.31.0", Core);

    [Fact]
    public void FindsTheAddOnInstalledBesideAVersionedRvm()
    {
        var rvm = Folder("user", "Modules", "Rvm", "0.1.0");
        var addOn = AddOn(Path.Combine(_root, "user", "Modules", Name, "1.31.0"), "1.31.0");
        var search = Find(rvm);
        Assert.Equal(addOn, search.Folder);
        Assert.Empty(search.PassedOver);
    }

    [Fact]
    public void FindsTheFlatAddOnBesideAFlatRvmAsTheBuildLaysThemOut()
    {
        var rvm = Folder("out", "Rvm");
        var addOn = AddOn(Path.Combine(_root, "out", Name), "1.31.0");
        Assert.Equal(addOn, Find(rvm).Folder);
    }

    [Fact]
    public void FindsTheAddOnInAnotherModulePathFolderAndPrefersTheOneBesideRvm()
    {
        var rvm = Folder("user", "Modules", "Rvm", "0.1.0");
        var shared = Folder("shared", "Modules");
        var elsewhere = AddOn(Path.Combine(shared, Name, "1.31.0"), "1.31.0");
        Assert.Equal(elsewhere, Find(rvm, "", "  ", "/", shared + Path.DirectorySeparatorChar, "no\0such").Folder);

        var beside = AddOn(Path.Combine(_root, "user", "Modules", Name, "1.31.0"), "1.31.0");
        Assert.Equal(beside, Find(rvm, shared).Folder);
    }

    [Fact]
    public void PassesOverAnAddOnOfAnotherOnnxRuntimeAndNamesIt()
    {
        var rvm = Folder("user", "Modules", "Rvm", "0.1.0");
        var old = AddOn(Path.Combine(_root, "user", "Modules", Name, "1.30.0"), "1.30.0");
        var search = Find(rvm);
        Assert.Null(search.Folder);
        Assert.Equal(new[] { $"{Name} 1.30.0 in '{old}'" }, search.PassedOver);

        var message = NativeLibraryProbe.ProviderNotInstalled("libonnxruntime_providers_cuda.so", rvm, search);
        Assert.Contains($"'{rvm}'", message);
        Assert.Contains($"Install-PSResource {CudaAddOn.ModuleName} -Version {CudaAddOn.OnnxRuntimeVersion}", message);
        Assert.Contains($"passed over {Name} 1.30.0 in '{old}', which is not for ONNX Runtime", message);
    }

    [Fact]
    public void PassesOverAnAddOnWithoutOnnxRuntimesCoreLibrary()
    {
        var rvm = Folder("out", "Rvm");
        var broken = AddOn(Path.Combine(_root, "out", Name), "1.31.0", core: false);
        var search = Find(rvm);
        Assert.Null(search.Folder);
        Assert.Equal(new[] { $"{Name} 1.31.0 in '{broken}' without {Core}" }, search.PassedOver);
    }

    [Fact]
    public void FindsNothingWhereNothingIsInstalled()
    {
        var search = Find(Folder("out", "Rvm"), Folder("empty"));
        Assert.Null(search.Folder);
        Assert.Empty(search.PassedOver);
        var message = NativeLibraryProbe.ProviderNotInstalled("libonnxruntime_providers_cuda.so", "/m/Rvm", search);
        Assert.EndsWith("which is not installed (" + CudaAddOn.InstallCommand + ")", message);
    }

    [Fact]
    public void TheAddOnsVersionIsTheOnnxRuntimePackageTheEngineReferences()
    {
        // build.ps1 writes the add-on's ModuleVersion from this PackageReference; Rvm looks for the managed wrapper's version.
        var project = System.Xml.Linq.XDocument.Load(Path.Combine(TestData.RepoRoot, "src", "Rvm.Engine", "Rvm.Engine.csproj"));
        var reference = System.Linq.Enumerable.Single(project.Descendants("PackageReference"),
            e => (string?)e.Attribute("Include") == "Microsoft.ML.OnnxRuntime.Gpu");
        Assert.Equal((string?)reference.Attribute("Version"), CudaAddOn.OnnxRuntimeVersion);
    }
}

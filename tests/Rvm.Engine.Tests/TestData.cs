using System;
using System.IO;
using Rvm.Inference;
using Rvm.Models;

namespace Rvm.Tests;

/// <summary>Paths of the repository's test data, and decoding of the 16-bit golden PNGs (with ffmpeg).</summary>
internal static class TestData
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Golden(params string[] parts) => Path.Combine(RepoRoot, "tests", "golden", Path.Combine(parts));

    public static string Shared(params string[] parts) => Path.Combine(RepoRoot, "..", "shared", Path.Combine(parts));

    /// <summary>A 16-bit PNG as values/65535: gray16le for alpha, rgb48le for foreground.</summary>
    public static float[] Decode16(string png, string pixelFormat) => Rvm.Diagnostics.GoldenImage.Decode16(png, pixelFormat);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rvm.psd1"))) return dir.FullName;
        throw new DirectoryNotFoundException("The repository root (holding Rvm.psd1) was not found above the test binaries.");
    }
}

/// <summary>
/// The real RVM model (default source: cache, release asset, or the npm mirror converted), loaded once for all tests:
/// on the CPU, or with RVM_EXPECT_CUDA=1 on CUDA (an error when CUDA cannot be used), so that the fidelity tests run on
/// the GPU. RVM_TEST_PRECISION=Fp16 loads the fp16 model instead (the device check's second golden pass).
/// </summary>
public sealed class ModelFixture : IDisposable
{
    public static bool ExpectCuda => Environment.GetEnvironmentVariable("RVM_EXPECT_CUDA") == "1";
    public static RvmPrecision Precision =>
        string.Equals(Environment.GetEnvironmentVariable("RVM_TEST_PRECISION"), "Fp16", StringComparison.OrdinalIgnoreCase) ? RvmPrecision.Fp16 : RvmPrecision.Fp32;

    public ModelFixture()
    {
        Resolved = new ModelResolver(ModelCache.Default()).Resolve(new ModelRequest { Precision = Precision });
        Model = RvmModel.Load(Resolved, new SessionSettings { Device = ExpectCuda ? ExecutionDevice.Cuda : ExecutionDevice.Cpu });
    }

    public ResolvedModel Resolved { get; }
    public RvmModel Model { get; }

    public void Dispose() => Model.Dispose();
}

[Xunit.CollectionDefinition("model")]
public sealed class ModelCollection : Xunit.ICollectionFixture<ModelFixture> { }

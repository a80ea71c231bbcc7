using System;
using System.IO;
using Rvm.Inference;
using Rvm.Models;
using Rvm.Onnx;
using Xunit;

namespace Rvm.Tests;

public sealed class ModelContractTests
{
    /// <summary>A valid ONNX model that is not RVM: y = Identity(x).</summary>
    internal static byte[] IdentityModel()
    {
        var graph = new OnnxGraph("identity");
        graph.Nodes.Add(new OnnxNode("Identity", "id", new[] { "x" }, new[] { "y" }, Array.Empty<OnnxAttribute>()));
        graph.Inputs.Add(new OnnxValueInfo("x", OnnxDataType.Float, new object[] { 1L }));
        graph.Outputs.Add(new OnnxValueInfo("y", OnnxDataType.Float, new object[] { 1L }));
        return new OnnxModel(graph).ToBytes();
    }

    /// <summary>Runs a check against the identity model written to a temporary file.</summary>
    private static void WithIdentityModel(Action<ResolvedModel> check)
    {
        var path = Path.Combine(Path.GetTempPath(), $"identity-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, IdentityModel());
        try { check(new ResolvedModel(path, "test", "", RvmVariant.MobileNetV3, RvmPrecision.Fp32)); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void RejectsAnOnnxModelThatIsNotRvmNamingWhatIsMissing() => WithIdentityModel(resolved =>
    {
        var e = Assert.Throws<InvalidOperationException>(() => RvmModel.Load(resolved, new SessionSettings { Device = ExecutionDevice.Cpu }));
        Assert.Contains("not an RVM model", e.Message);
        Assert.Contains("missing inputs src, r1i, r2i, r3i, r4i, downsample_ratio", e.Message);
        Assert.Contains("missing outputs fgr, pha, r1o, r2o, r3o, r4o", e.Message);
    });

    [Fact]
    public void TheCommittedFixtureIsTheIdentityModel()
    {
        // tests/fixtures/identity.onnx (used by the Pester tests) is exactly what IdentityModel() writes.
        Assert.Equal(IdentityModel(), File.ReadAllBytes(Path.Combine(TestData.RepoRoot, "tests", "fixtures", "identity.onnx")));
    }

    [Fact]
    public void ExplicitCudaWithoutCudaIsAnErrorNamingTheMissingLibraries()
    {
        if (Environment.GetEnvironmentVariable("RVM_EXPECT_CUDA") == "1") return;
        WithIdentityModel(resolved =>
        {
            var e = Assert.Throws<DeviceUnavailableException>(() => RvmModel.Load(resolved, new SessionSettings { Device = ExecutionDevice.Cuda }));
            Assert.Contains("CUDA 13", e.Message);
            var trt = Assert.Throws<DeviceUnavailableException>(() => RvmModel.Load(resolved, new SessionSettings { Device = ExecutionDevice.TensorRT }));
            Assert.Contains("Neither TensorRT nor CUDA", trt.Message);
            string reason = "";
            var session = SessionFactory.Create(IdentityModel(), new SessionSettings(), m => reason += m + "\n", out var device);
            session.Dispose();
            Assert.Equal("CPU", device);
            Assert.Contains("using the CPU", reason);
        });
    }
}

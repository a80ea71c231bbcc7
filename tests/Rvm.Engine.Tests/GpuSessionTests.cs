using System;
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;
using Rvm.Inference;
using Rvm.Onnx;
using Xunit;

namespace Rvm.Tests;

/// <summary>The GPU session's options and its warm-up fallback, checked on the CPU.</summary>
public sealed class GpuSessionTests
{
    [Fact]
    public void CudaOptionsAreExplicitAndTf32IsOffUnlessAsked()
    {
        var options = GpuProviderOptions.Cuda(new SessionSettings { DeviceId = 1 });
        Assert.Equal("1", options["device_id"]);
        Assert.Equal("HEURISTIC", options["cudnn_conv_algo_search"]);
        Assert.Equal("kSameAsRequested", options["arena_extend_strategy"]);
        Assert.Equal("0", options["use_tf32"]);
        Assert.Equal("1", GpuProviderOptions.Cuda(new SessionSettings { AllowTf32 = true })["use_tf32"]);
    }

    [Fact]
    public void TensorRtKeepsItsCachesWhereItIsToldAndUsesFp16ForFp16Models()
    {
        var cache = System.IO.Path.Combine("cache", "tensorrt", "abc");
        var fp32 = GpuProviderOptions.TensorRT(new SessionSettings { DeviceId = 2 }, cache, fp16: false);
        Assert.Equal("2", fp32["device_id"]);
        Assert.Equal("0", fp32["trt_fp16_enable"]);
        Assert.Equal("1", fp32["trt_engine_cache_enable"]);
        Assert.Equal(System.IO.Path.Combine(cache, "engines"), fp32["trt_engine_cache_path"]);
        Assert.Equal("1", fp32["trt_timing_cache_enable"]);
        Assert.Equal(cache, fp32["trt_timing_cache_path"]);
        Assert.Equal("1", GpuProviderOptions.TensorRT(new SessionSettings(), cache, fp16: true)["trt_fp16_enable"]);
    }

    [Fact]
    public void ATensorRtSessionThatCannotBeMadeLeavesNoCacheFolder()
    {
        if (ModelFixture.ExpectCuda) return;
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rvm-trt-{Guid.NewGuid():N}");
        var cache = System.IO.Path.Combine(root, "tensorrt", "0123456789abcdef");
        System.IO.Directory.CreateDirectory(root);
        try
        {
            var e = Assert.Throws<DeviceUnavailableException>(() =>
                SessionFactory.Create(BindingProtocolTests.PassThroughModel(false), new SessionSettings { Device = ExecutionDevice.TensorRT }, _ => { }, out _, cache));
            Assert.Contains("Neither TensorRT nor CUDA", e.Message);
            Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(root));
        }
        finally { System.IO.Directory.Delete(root, true); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AModelThatRunsIsHandedOutAfterItsWarmUp(bool fp16)
    {
        var session = GpuWarmUp.TryCreate(() => new InferenceSession(BindingProtocolTests.PassThroughModel(fp16)), out var reason);
        Assert.NotNull(session);
        Assert.Null(reason);
        session!.Dispose();
    }

    [Fact]
    public void ASessionWhoseFirstRunFailsIsDisposedAndTheReasonSaysSo()
    {
        // Made without complaint, fails at its first Run: as a GPU session does when cuDNN is missing.
        InferenceSession? made = null;
        var session = GpuWarmUp.TryCreate(() => made = new InferenceSession(FailsAtRunModel()), out var reason);
        Assert.Null(session);
        Assert.NotNull(made);
        Assert.Contains("first run failed", reason);
    }

    [Fact]
    public void ASessionThatCannotBeMadeGivesItsReason()
    {
        var session = GpuWarmUp.TryCreate(() => new InferenceSession(new byte[] { 1, 2, 3 }), out var reason);
        Assert.Null(session);
        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    /// <summary>An RVM-shaped model whose fgr is src reshaped to 1x3x5x5: valid, but no 64x64 frame fits it.</summary>
    private static byte[] FailsAtRunModel()
    {
        var graph = new OnnxGraph("fails-at-run");
        graph.Initializers.Add(OnnxTensor.FromInt64s("shape", new long[] { 4 }, new long[] { 1, 3, 5, 5 }));
        graph.Nodes.Add(new OnnxNode("Reshape", "fgr", new[] { "src", "shape" }, new[] { "fgr" }, Array.Empty<OnnxAttribute>()));
        graph.Nodes.Add(new OnnxNode("Identity", "pha", new[] { "src" }, new[] { "pha" }, Array.Empty<OnnxAttribute>()));
        graph.Inputs.Add(new OnnxValueInfo("src", OnnxDataType.Float, new object[] { 1L, 3L, "h", "w" }));
        graph.Outputs.Add(new OnnxValueInfo("fgr", OnnxDataType.Float, null));
        graph.Outputs.Add(new OnnxValueInfo("pha", OnnxDataType.Float, null));
        for (int i = 0; i < 4; i++)
        {
            graph.Inputs.Add(new OnnxValueInfo(ModelContract.StateInputs[i], OnnxDataType.Float, null));
            graph.Nodes.Add(new OnnxNode("Identity", $"state{i}", new[] { ModelContract.StateInputs[i] }, new[] { ModelContract.StateOutputs[i] }, Array.Empty<OnnxAttribute>()));
            graph.Outputs.Add(new OnnxValueInfo(ModelContract.StateOutputs[i], OnnxDataType.Float, null));
        }
        graph.Inputs.Add(new OnnxValueInfo("downsample_ratio", OnnxDataType.Float, new object[] { 1L }));
        return new OnnxModel(graph).ToBytes();
    }
}

using System;
using System.IO;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.Models;
using Rvm.Onnx;
using Xunit;

namespace Rvm.Tests;

/// <summary>
/// Pixel layout and precision handling, checked with a tiny model of the RVM interface whose outputs are known
/// functions of its inputs (fgr = src, pha = mean over channels, states passed through). Only the tests use it;
/// the real network's numbers are checked against TensorFlow.js in ReferenceFidelityTests.
/// </summary>
public sealed class FrameMarshallingTests
{
    private static byte[] EchoModel(OnnxDataType type)
    {
        var g = new OnnxGraph("echo");
        g.Nodes.Add(new OnnxNode("Identity", "fgr", new[] { "src" }, new[] { "fgr" }, Array.Empty<OnnxAttribute>()));
        g.Nodes.Add(new OnnxNode("ReduceMean", "pha", new[] { "src" }, new[] { "pha" },
            new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1) }));
        g.Inputs.Add(new OnnxValueInfo("src", type, new object[] { 1L, 3L, "h", "w" }));
        for (int i = 1; i <= 4; i++)
        {
            g.Nodes.Add(new OnnxNode("Identity", $"r{i}", new[] { $"r{i}i" }, new[] { $"r{i}o" }, Array.Empty<OnnxAttribute>()));
            g.Inputs.Add(new OnnxValueInfo($"r{i}i", type, new object[] { 1L, "c", "y", "x" }));
        }
        g.Inputs.Add(new OnnxValueInfo("downsample_ratio", OnnxDataType.Float, new object[] { 1L }));
        foreach (var name in new[] { "fgr", "pha", "r1o", "r2o", "r3o", "r4o" })
            g.Outputs.Add(new OnnxValueInfo(name, type, null));
        return new OnnxModel(g).ToBytes();
    }

    [Theory]
    [InlineData(RvmPrecision.Fp32, 1e-6)]
    [InlineData(RvmPrecision.Fp16, 1e-3)]
    public void PixelsReachTheNetworkAsPlanarRgbAndComeBackInterleaved(RvmPrecision precision, double tolerance)
    {
        var type = precision == RvmPrecision.Fp16 ? OnnxDataType.Float16 : OnnxDataType.Float;
        var path = Path.Combine(Path.GetTempPath(), $"echo-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, EchoModel(type));
        try
        {
            using var model = RvmModel.Load(new ResolvedModel(path, "test", "", RvmVariant.MobileNetV3, RvmPrecision.Fp32),
                new SessionSettings { Device = ExecutionDevice.Cpu });
            Assert.Equal(precision, model.Precision);
            int w = 7, h = 5;
            var pixels = new byte[w * h * 3];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 37 % 256);
            var result = model.Process(new RgbFrame(w, h, pixels), 1f, RecurrentState.Initial);

            for (int p = 0; p < w * h; p++)
            {
                double mean = 0;
                for (int c = 0; c < 3; c++)
                {
                    Assert.InRange(result.Foreground[3 * p + c], pixels[3 * p + c] / 255.0 - tolerance, pixels[3 * p + c] / 255.0 + tolerance);
                    mean += pixels[3 * p + c] / 255.0 / 3;
                }
                Assert.InRange(result.Alpha[p], mean - tolerance, mean + tolerance);
            }
            Assert.Equal(w, result.State.Width);
            Assert.Equal(new[] { "1x1x1x1", "1x1x1x1", "1x1x1x1", "1x1x1x1" }, result.State.ShapeText);
        }
        finally { File.Delete(path); }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Rvm.Conversion.Quantization;
using Rvm.Inference;
using Rvm.Models;
using Rvm.Onnx;
using Xunit;

namespace Rvm.Tests;

/// <summary>The int8 QDQ quantizer on a small graph run by ONNX Runtime, and the Int8 precision's device rule.</summary>
public sealed class QdqQuantizerTests
{
    private const int Size = 16, Channels = 8;

    /// <summary>stem conv → relu → conv (bias) → relu → box filter: only the middle convolution is quantizable.</summary>
    private static OnnxGraph StemConvBox()
    {
        var random = new Random(5);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var g = new OnnxGraph("t");
        g.Inputs.Add(new OnnxValueInfo("x", OnnxDataType.Float, new object[] { 1L, 3L, "h", "w" }));
        g.Initializers.Add(OnnxTensor.FromFloats("w_stem", new long[] { Channels, 3, 3, 3 }, Values(Channels * 27)));
        // Output channels of very different sizes: per-channel scales must keep the small one.
        var w = Values(Channels * Channels * 9);
        for (int i = 0; i < Channels * 9; i++) w[i] *= 0.01f;
        g.Initializers.Add(OnnxTensor.FromFloats("w", new long[] { Channels, Channels, 3, 3 }, w));
        g.Initializers.Add(OnnxTensor.FromFloats("b", new long[] { Channels }, Values(Channels)));
        g.Initializers.Add(OnnxTensor.FromFloats("w_box", new long[] { Channels, 1, 3, 3 }, Enumerable.Repeat(1f / 9, Channels * 9).ToArray()));
        var same = new[] { OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.Ints("pads", 1, 1, 1, 1) };
        g.Nodes.Add(new OnnxNode("Conv", "stem", new[] { "x", "w_stem" }, new[] { "stem" }, same));
        g.Nodes.Add(new OnnxNode("Relu", "relu1", new[] { "stem" }, new[] { "relu1" }, Array.Empty<OnnxAttribute>()));
        g.Nodes.Add(new OnnxNode("Conv", "conv", new[] { "relu1", "w", "b" }, new[] { "conv" }, same));
        g.Nodes.Add(new OnnxNode("Relu", "relu2", new[] { "conv" }, new[] { "relu2" }, Array.Empty<OnnxAttribute>()));
        g.Nodes.Add(new OnnxNode("Conv", "box", new[] { "relu2", "w_box" }, new[] { "y" }, same.Append(OnnxAttribute.Int("group", Channels)).ToArray()));
        g.Outputs.Add(new OnnxValueInfo("y", OnnxDataType.Float, null));
        return g;
    }

    private static float[] Input()
    {
        var random = new Random(7);
        return Enumerable.Range(0, 3 * Size * Size).Select(_ => (float)random.NextDouble()).ToArray();
    }

    /// <summary>Runs the graph; returns each named output's values.</summary>
    private static float[][] Run(OnnxGraph graph, params string[] outputs)
    {
        using var session = new InferenceSession(new OnnxModel(graph).ToBytes());
        using var x = OrtValue.CreateTensorValueFromMemory(Input(), new long[] { 1, 3, Size, Size });
        using var results = session.Run(new RunOptions(), new[] { "x" }, new[] { x }, outputs);
        return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    /// <summary>Min and max of each activation to quantize, from a float run: what calibration gives for a single input.</summary>
    private static Dictionary<string, ActivationRange> Ranges()
    {
        var graph = StemConvBox();
        var tensors = QdqQuantizer.CalibrationTensors(graph);
        graph.Outputs.AddRange(tensors.Select(t => new OnnxValueInfo(t, OnnxDataType.Float, null)));
        var values = Run(graph, tensors.ToArray());
        return tensors.Select((t, i) => (t, new ActivationRange(values[i].Min(), values[i].Max()))).ToDictionary(p => p.t, p => p.Item2);
    }

    [Fact]
    public void QuantizesTheMiddleConvolutionOnly()
    {
        var graph = StemConvBox();
        Assert.Equal(new[] { "conv" }, QdqQuantizer.QuantizableConvolutions(graph).Select(n => n.Name));
        Assert.Equal(new[] { "relu1", "conv" }, QdqQuantizer.CalibrationTensors(graph));
        Assert.Equal(1, QdqQuantizer.Apply(graph, Ranges()));

        // Activations: a uint8 Q/DQ pair on the input and the output, the convolution's output read only by its QuantizeLinear.
        Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "QuantizeLinear"));
        Assert.Equal(new[] { "conv/quantize" }, graph.Nodes.Where(n => n.Inputs.Contains("conv/float")).Select(n => n.Name));
        Assert.Contains(graph.Nodes, n => n.OpType == "DequantizeLinear" && n.Outputs[0] == "conv");
        Assert.Equal(OnnxDataType.UInt8, graph.Initializers.Single(t => t.Name == "relu1/zero_point").DataType);

        // Weights: int8, one scale per output channel, dequantized along axis 0; the bias int32 at input scale × weight scale.
        var weights = graph.Initializers.Single(t => t.Name == "conv/weight/quantized");
        Assert.Equal(OnnxDataType.Int8, weights.DataType);
        Assert.Equal(new long[] { Channels, Channels, 3, 3 }, weights.Dims);
        var scales = Floats(graph.Initializers.Single(t => t.Name == "conv/weight/scale"));
        Assert.Equal(Channels, scales.Length);
        Assert.True(scales[0] < scales[1] / 20, $"channel 0's weights are 100× smaller, so is its scale ({scales[0]} vs {scales[1]})");
        // Symmetric: each channel's largest weight maps to ±127.
        for (int c = 0; c < Channels; c++)
            Assert.Equal(127, weights.RawData.Skip(c * Channels * 9).Take(Channels * 9).Max(b => Math.Abs((int)(sbyte)b)));
        var weightDequantize = graph.Nodes.Single(n => n.Name == "conv/weight/dequantize");
        Assert.Equal(0L, weightDequantize.Attributes.Single(a => a.Name == "axis").Value);
        Assert.Equal(OnnxDataType.Int32, graph.Initializers.Single(t => t.Name == "conv/bias/quantized").DataType);
        Assert.Equal(new[] { "relu1", "conv/weight", "conv/bias" }, graph.Nodes.Single(n => n.Name == "conv").Inputs);

        // The stem and the box filter keep their float weights; the float weights of the quantized one are gone.
        Assert.Equal(OnnxDataType.Float, graph.Initializers.Single(t => t.Name == "w_stem").DataType);
        Assert.Equal(OnnxDataType.Float, graph.Initializers.Single(t => t.Name == "w_box").DataType);
        Assert.DoesNotContain(graph.Initializers, t => t.Name == "w" || t.Name == "b");
    }

    [Fact]
    public void QuantizedOutputStaysNearTheFloatOne()
    {
        var before = Run(StemConvBox(), "y")[0];
        var graph = StemConvBox();
        QdqQuantizer.Apply(graph, Ranges());
        var after = Run(graph, "y")[0];
        double range = before.Max() - before.Min(), mean = before.Zip(after, (a, b) => Math.Abs(a - b)).Average();
        double max = before.Zip(after, (a, b) => Math.Abs(a - b)).Max();
        // One 8-bit step of the output's range is 1/255 of it: the mean error is a fraction of that, the largest a few.
        Assert.True(mean < range / 255, $"mean error {mean} over a range of {range}");
        Assert.True(max < 4 * range / 255, $"max error {max} over a range of {range}");
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void OnnxRuntimeFusesTheQdqGroupIntoQLinearConv()
    {
        var graph = StemConvBox();
        QdqQuantizer.Apply(graph, Ranges());
        var optimized = Path.Combine(Path.GetTempPath(), $"rvm-qdq-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = optimized })
            using (new InferenceSession(new OnnxModel(graph).ToBytes(), options)) { }
            var text = Encoding.ASCII.GetString(File.ReadAllBytes(optimized));
            Assert.Contains("QLinearConv", text);
        }
        finally
        {
            File.Delete(optimized);
        }
    }

    [Fact]
    public void SameRangesGiveTheSameBytes()
    {
        var ranges = Ranges();
        var first = StemConvBox();
        var second = StemConvBox();
        QdqQuantizer.Apply(first, ranges);
        QdqQuantizer.Apply(second, ranges);
        Assert.Equal(new OnnxModel(first).ToBytes(), new OnnxModel(second).ToBytes());
    }

    [Fact]
    public void HistogramClipsRareOutliersButKeepsTheBulk()
    {
        // 10^6 values in [-1, 1] and one at 30: min/max's levels 0.12 apart round each value by up to 0.06 (squared error 1.2e3
        // in all), where clipping the one costs 29² = 841.
        var values = Enumerable.Range(0, 1_000_000).Select(i => (float)(i % 2001 - 1000) / 1000).Append(30f).ToArray();
        var histogram = new ActivationHistogram(new ActivationRange(values.Min(), values.Max()));
        histogram.Add(values);
        var best = histogram.BestRange();
        Assert.InRange(best.Min, -1.01f, -0.99f);
        Assert.InRange(best.Max, 0.99f, 1.1f);

        // A thousand at 30 are worth their levels: kept.
        var heavy = new ActivationHistogram(new ActivationRange(-1, 30));
        heavy.Add(values.Concat(Enumerable.Repeat(30f, 1000)).ToArray());
        Assert.Equal(30f, heavy.BestRange().Max);
    }

    [Theory]
    [InlineData(ExecutionDevice.Cuda)]
    [InlineData(ExecutionDevice.TensorRT)]
    public void Int8OnAGpuIsRefusedBeforeAnythingLoads(ExecutionDevice device)
    {
        // The file does not exist: the device is refused first, whatever the machine has.
        var resolved = new ResolvedModel(Path.Combine(Path.GetTempPath(), "rvm-no-such-model.onnx"), "test", "", RvmVariant.MobileNetV3, RvmPrecision.Int8);
        var e = Assert.Throws<ArgumentException>(() => RvmModel.Load(resolved, new SessionSettings { Device = device }));
        Assert.Contains("CPU only", e.Message);
        Assert.Contains(device.ToString(), e.Message);
    }

    [Fact]
    public void Int8FromAnythingButTheDefaultModelIsRefused()
    {
        var resolver = new ModelResolver(new ModelCache(Path.Combine(Path.GetTempPath(), $"rvm-int8-{Guid.NewGuid():N}")));
        Assert.Throws<ArgumentException>(() => resolver.Resolve(new ModelRequest { Precision = RvmPrecision.Int8, Variant = RvmVariant.ResNet50 }));
        Assert.Throws<ArgumentException>(() => resolver.Resolve(new ModelRequest { Precision = RvmPrecision.Int8, Path = "model.onnx" }));
    }

    private static float[] Floats(OnnxTensor t)
    {
        var values = new float[t.RawData.Length / 4];
        Buffer.BlockCopy(t.RawData, 0, values, 0, t.RawData.Length);
        return values;
    }
}

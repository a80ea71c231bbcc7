using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Rvm.Conversion;
using Rvm.Onnx;
using Xunit;

namespace Rvm.Tests;

/// <summary>The converter's split of a convolution over a channel concatenation, on small graphs run by ONNX Runtime.</summary>
public sealed class ConcatConvolutionSplitTests
{
    private const int Height = 9, Width = 11, Outputs = 6;

    /// <summary>
    /// conv(concat(a, b, frame)) with bias and a ReLU, 8 + 16 + 3 = 27 input channels (misaligned like RVM's decoder),
    /// the frame's channel count known from the graph input and the others from the convolutions that make them.
    /// </summary>
    private static OnnxGraph ConvOverConcat(int frameChannels, bool concatAlsoOutput = false)
    {
        var random = new Random(13);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var g = new OnnxGraph("t");
        g.Inputs.Add(new OnnxValueInfo("x", OnnxDataType.Float, new object[] { 1L, 4L, "h", "w" }));
        g.Inputs.Add(new OnnxValueInfo("frame", OnnxDataType.Float, new object[] { 1L, (long)frameChannels, "h", "w" }));
        g.Initializers.Add(OnnxTensor.FromFloats("wa", new long[] { 8, 4, 1, 1 }, Values(8 * 4)));
        g.Initializers.Add(OnnxTensor.FromFloats("wb", new long[] { 16, 4, 1, 1 }, Values(16 * 4)));
        int cin = 8 + 16 + frameChannels;
        g.Initializers.Add(OnnxTensor.FromFloats("w", new long[] { Outputs, cin, 3, 3 }, Values(Outputs * cin * 9)));
        g.Initializers.Add(OnnxTensor.FromFloats("bias", new long[] { Outputs }, Values(Outputs)));
        var same = new[] { OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.String("auto_pad", "SAME_UPPER") };
        var one = new[] { OnnxAttribute.Ints("kernel_shape", 1, 1) };
        g.Nodes.Add(new OnnxNode("Conv", "a", new[] { "x", "wa" }, new[] { "a" }, one));
        g.Nodes.Add(new OnnxNode("Conv", "b", new[] { "x", "wb" }, new[] { "b" }, one));
        g.Nodes.Add(new OnnxNode("Concat", "cat", new[] { "a", "b", "frame" }, new[] { "cat" }, new[] { OnnxAttribute.Int("axis", 1) }));
        g.Nodes.Add(new OnnxNode("Conv", "conv", new[] { "cat", "w", "bias" }, new[] { "conv" }, same));
        g.Nodes.Add(new OnnxNode("Relu", "y", new[] { "conv" }, new[] { "y" }, Array.Empty<OnnxAttribute>()));
        g.Outputs.Add(new OnnxValueInfo("y", OnnxDataType.Float, null));
        if (concatAlsoOutput) g.Outputs.Add(new OnnxValueInfo("cat", OnnxDataType.Float, null));
        return g;
    }

    private static float[] Run(OnnxGraph graph, int frameChannels)
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, 4 * Height * Width).Select(_ => (float)random.NextDouble()).ToArray();
        var frame = Enumerable.Range(0, frameChannels * Height * Width).Select(_ => (float)random.NextDouble()).ToArray();
        using var session = new InferenceSession(new OnnxModel(graph).ToBytes());
        using var xValue = OrtValue.CreateTensorValueFromMemory(x, new long[] { 1, 4, Height, Width });
        using var frameValue = OrtValue.CreateTensorValueFromMemory(frame, new long[] { 1, frameChannels, Height, Width });
        using var outputs = session.Run(new RunOptions(), new[] { "x", "frame" }, new[] { xValue, frameValue }, new[] { "y" });
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void SplitConvolutionsGiveTheSameOutput()
    {
        var before = Run(ConvOverConcat(3), 3);
        var graph = ConvOverConcat(3);
        var splits = ConcatConvolutionSplit.Apply(graph);

        Assert.Equal(new[] { new long[] { 8, 16, 3 } }, splits);
        Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Concat");
        Assert.DoesNotContain(graph.Initializers, t => t.Name == "w");
        // The bias is added once, by the first part.
        Assert.Single(graph.Nodes, n => n.OpType == "Conv" && n.Inputs.Length == 3);
        var after = Run(graph, 3);
        Assert.Equal(before.Length, after.Length);
        // The sum runs in another order: float rounding only.
        Assert.True(before.Zip(after, (p, q) => Math.Abs(p - q)).Max() < 1e-5f);
        Assert.Contains(after, v => v > 0);
    }

    [Fact]
    public void AnAlignedConvolutionIsLeftAlone()
    {
        // 8 + 16 + 4 = 28 channels: ONNX Runtime blocks it as it is.
        var graph = ConvOverConcat(4);
        Assert.Empty(ConcatConvolutionSplit.Apply(graph));
        Assert.Equal(5, graph.Nodes.Count);
    }

    [Fact]
    public void AConcatenationReadElsewhereStays()
    {
        var before = Run(ConvOverConcat(3, concatAlsoOutput: true), 3);
        var graph = ConvOverConcat(3, concatAlsoOutput: true);
        Assert.Single(ConcatConvolutionSplit.Apply(graph));
        Assert.Single(graph.Nodes, n => n.OpType == "Concat");
        Assert.True(before.Zip(Run(graph, 3), (p, q) => Math.Abs(p - q)).Max() < 1e-5f);
    }

    [Fact]
    public void APartOfUnknownChannelsIsWhatTheWeightsLeave()
    {
        var graph = ConvOverConcat(3);
        graph.Inputs[1] = new OnnxValueInfo("frame", OnnxDataType.Float, new object[] { 1L, "c", "h", "w" });
        Assert.Equal(new[] { new long[] { 8, 16, 3 } }, ConcatConvolutionSplit.Apply(graph));
    }
}

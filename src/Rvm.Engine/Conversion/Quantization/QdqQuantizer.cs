using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Onnx;

namespace Rvm.Conversion.Quantization;

/// <summary>
/// Rewrites a float ONNX graph into ONNX's QDQ form for int8 inference on the CPU: each convolution's weights
/// become int8, symmetric per output channel, read through DequantizeLinear; its bias int32 at the input scale
/// times each channel's weight scale; and its input and output pass through a uint8 QuantizeLinear /
/// DequantizeLinear pair with the calibrated per-tensor range. ONNX Runtime fuses each such group into one
/// QLinearConv (u8 activations, s8 weights: the VNNI kernels on x86). Everything else stays float. Only the
/// root graph's convolutions are quantized, and of those only ones whose input and output both have a range.
/// </summary>
internal static class QdqQuantizer
{
    /// <summary>
    /// The convolutions to quantize: those with a float 4-D weight initializer, less two kinds measured to need float
    /// (alpha MAE against TensorFlow.js on the golden cases below ratio 1, all else quantized): the first convolution,
    /// the stem on the normalized frame (its outputs span [-104, 79] around hardswish's knee; quantized it alone cost up
    /// to 1.2e-2), and box filters, whose weights are all equal (the guided filter's local means, from which it takes
    /// variances as differences of squares that 8 bits cannot hold; quantized they cost 2e-2).
    /// </summary>
    public static IReadOnlyList<OnnxNode> QuantizableConvolutions(OnnxGraph graph)
    {
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var convolutions = graph.Nodes.Where(n => n.OpType == "Conv").ToList();
        return convolutions.Skip(1).Where(n => n.Inputs.Length >= 2
            && initializers.TryGetValue(n.Inputs[1], out var w) && w.DataType == OnnxDataType.Float && w.Dims.Length == 4 && !IsBoxFilter(w)
            && (n.Inputs.Length < 3 || n.Inputs[2].Length == 0 || initializers.ContainsKey(n.Inputs[2]))).ToList();
    }

    /// <summary>Every weight the same: a moving average.</summary>
    private static bool IsBoxFilter(OnnxTensor weights)
    {
        var values = ToFloats(weights.RawData);
        return values.Length > 1 && values.All(v => v == values[0]);
    }

    /// <summary>The activations calibration must record: every quantizable convolution's input and output, once each, in graph order.</summary>
    public static IReadOnlyList<string> CalibrationTensors(OnnxGraph graph) =>
        QuantizableConvolutions(graph).SelectMany(n => new[] { n.Inputs[0], n.Outputs[0] }).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Quantizes the graph in place; returns how many convolutions it quantized.</summary>
    public static int Apply(OnnxGraph graph, IReadOnlyDictionary<string, ActivationRange> ranges)
    {
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var convolutions = QuantizableConvolutions(graph).Where(n => ranges.ContainsKey(n.Inputs[0]) && ranges.ContainsKey(n.Outputs[0])).ToList();
        if (convolutions.Count == 0) return 0;

        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (var output in node.Outputs)
                producers[output] = node;

        // Each activation gets one Q/DQ pair, placed right after its producer; every reader then reads the dequantized value under
        // the original name, so a convolution's output has the QuantizeLinear as its only reader (what ONNX Runtime's fusion requires).
        var after = new Dictionary<OnnxNode, List<OnnxNode>>();
        var before = new List<OnnxNode>();
        var graphInputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var pairs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in convolutions.SelectMany(n => new[] { n.Inputs[0], n.Outputs[0] }))
        {
            if (!pairs.Add(tensor)) continue;
            var range = ranges[tensor];
            var (scale, zeroPoint) = range.ToUInt8();
            graph.Initializers.Add(OnnxTensor.FromFloats($"{tensor}/scale", Array.Empty<long>(), new[] { scale }));
            graph.Initializers.Add(new OnnxTensor($"{tensor}/zero_point", OnnxDataType.UInt8, Array.Empty<long>(), new[] { zeroPoint }));
            string source = tensor, target = tensor;
            if (producers.TryGetValue(tensor, out var producer))
            {
                source = $"{tensor}/float";
                producer.Outputs[Array.IndexOf(producer.Outputs, tensor)] = source;
            }
            else target = graphInputs[tensor] = $"{tensor}/dequantized";
            var pair = new[]
            {
                new OnnxNode("QuantizeLinear", $"{tensor}/quantize", new[] { source, $"{tensor}/scale", $"{tensor}/zero_point" }, new[] { $"{tensor}/quantized" }, Array.Empty<OnnxAttribute>()),
                new OnnxNode("DequantizeLinear", $"{tensor}/dequantize", new[] { $"{tensor}/quantized", $"{tensor}/scale", $"{tensor}/zero_point" }, new[] { target }, Array.Empty<OnnxAttribute>()),
            };
            if (producer != null)
            {
                if (!after.TryGetValue(producer, out var list)) after[producer] = list = new List<OnnxNode>();
                list.AddRange(pair);
            }
            else before.AddRange(pair);
        }

        var nodes = new List<OnnxNode>(before);
        var quantized = new HashSet<OnnxNode>(convolutions);
        foreach (var node in graph.Nodes)
        {
            // A graph input is read dequantized by the convolutions only; other readers keep the float input.
            if (quantized.Contains(node))
            {
                nodes.AddRange(QuantizeParameters(node, initializers, graph, ranges[node.Inputs[0]]));
                if (graphInputs.TryGetValue(node.Inputs[0], out var dequantized)) node.Inputs[0] = dequantized;
            }
            nodes.Add(node);
            if (after.TryGetValue(node, out var pair)) nodes.AddRange(pair);
        }
        graph.Nodes.Clear();
        graph.Nodes.AddRange(nodes);

        // Float weights that only quantized convolutions read go.
        var read = new HashSet<string>(graph.Nodes.SelectMany(n => n.Inputs), StringComparer.Ordinal);
        foreach (var sub in graph.Nodes.SelectMany(n => n.Attributes).Select(a => a.Value).OfType<OnnxGraph>()) AddReads(sub, read);
        graph.Initializers.RemoveAll(t => !read.Contains(t.Name));
        return convolutions.Count;
    }

    /// <summary>Points the convolution at int8 weights and an int32 bias, each dequantized per output channel; returns the DequantizeLinear nodes.</summary>
    private static IEnumerable<OnnxNode> QuantizeParameters(OnnxNode conv, Dictionary<string, OnnxTensor> initializers, OnnxGraph graph, ActivationRange inputRange)
    {
        var w = initializers[conv.Inputs[1]];
        var weights = ToFloats(w.RawData);
        int channels = (int)w.Dims[0], perChannel = weights.Length / channels;
        var scales = new float[channels];
        var q = new byte[weights.Length];
        for (int c = 0; c < channels; c++)
        {
            float max = 0;
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) max = Math.Max(max, Math.Abs(weights[i]));
            // Symmetric over [-127, 127]: -128 unused keeps the VNNI u8·s8 pair sums from saturating.
            scales[c] = max > 0 ? max / 127f : 1f;
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++)
                q[i] = unchecked((byte)(sbyte)Math.Max(-127, Math.Min(127, (int)Math.Round(weights[i] / scales[c], MidpointRounding.AwayFromZero))));
        }
        var name = $"{conv.Name}/weight";
        var axis = new[] { OnnxAttribute.Int("axis", 0) };
        graph.Initializers.Add(new OnnxTensor($"{name}/quantized", OnnxDataType.Int8, w.Dims, q));
        graph.Initializers.Add(OnnxTensor.FromFloats($"{name}/scale", new long[] { channels }, scales));
        graph.Initializers.Add(new OnnxTensor($"{name}/zero_point", OnnxDataType.Int8, new long[] { channels }, new byte[channels]));
        conv.Inputs[1] = name;
        yield return new OnnxNode("DequantizeLinear", $"{name}/dequantize", new[] { $"{name}/quantized", $"{name}/scale", $"{name}/zero_point" }, new[] { name }, axis);

        if (conv.Inputs.Length < 3 || conv.Inputs[2].Length == 0) yield break;
        var bias = ToFloats(initializers[conv.Inputs[2]].RawData);
        float inputScale = inputRange.ToUInt8().Scale;
        var biasScales = scales.Select(s => s * inputScale).ToArray();
        var qb = new int[channels];
        for (int c = 0; c < channels; c++)
            qb[c] = (int)Math.Max(int.MinValue, Math.Min(int.MaxValue, Math.Round(bias[c] / biasScales[c], MidpointRounding.AwayFromZero)));
        var biasName = $"{conv.Name}/bias";
        graph.Initializers.Add(OnnxTensor.FromInt32s($"{biasName}/quantized", new long[] { channels }, qb));
        graph.Initializers.Add(OnnxTensor.FromFloats($"{biasName}/scale", new long[] { channels }, biasScales));
        graph.Initializers.Add(OnnxTensor.FromInt32s($"{biasName}/zero_point", new long[] { channels }, new int[channels]));
        conv.Inputs[2] = biasName;
        yield return new OnnxNode("DequantizeLinear", $"{biasName}/dequantize", new[] { $"{biasName}/quantized", $"{biasName}/scale", $"{biasName}/zero_point" }, new[] { biasName }, axis);
    }

    private static float[] ToFloats(byte[] raw)
    {
        var values = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, values, 0, raw.Length);
        return values;
    }

    private static void AddReads(OnnxGraph graph, HashSet<string> read)
    {
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs) read.Add(input);
            foreach (var sub in node.Attributes.Select(a => a.Value).OfType<OnnxGraph>()) AddReads(sub, read);
        }
    }
}

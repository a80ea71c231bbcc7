using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Onnx;

namespace Rvm.Conversion;

/// <summary>
/// The channel count (axis 1) of the NCHW values of a converted graph, where it follows from the graph alone:
/// fixed graph inputs, convolution weights, channel concatenations and splits, and the ops that keep channels
/// (activations, resizes, pools, elementwise arithmetic). Values it cannot be sure of have none; an If's
/// outputs have one where both branches agree. Only what a rewrite needs, not ONNX shape inference.
/// </summary>
internal sealed class ChannelCounts
{
    private static readonly HashSet<string> KeepChannels = new HashSet<string>(StringComparer.Ordinal)
    {
        "Identity", "Relu", "Sigmoid", "Tanh", "Clip", "Cast", "Neg", "Abs", "Floor", "Sqrt", "Exp",
        "Resize", "AveragePool", "MaxPool",
    };

    private static readonly HashSet<string> Elementwise = new HashSet<string>(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Min", "Max", "Pow",
    };

    private readonly Dictionary<string, long> _known = new Dictionary<string, long>(StringComparer.Ordinal);
    private readonly ChannelCounts? _outer;
    private readonly IReadOnlyDictionary<string, OnnxTensor> _initializers;

    private ChannelCounts(ChannelCounts? outer, IReadOnlyDictionary<string, OnnxTensor> initializers)
    {
        _outer = outer;
        _initializers = initializers;
    }

    /// <summary>The counts of one graph's values; a subgraph reads its enclosing graphs' values through outer.</summary>
    public static ChannelCounts Of(OnnxGraph graph, ChannelCounts? outer, IReadOnlyDictionary<string, OnnxTensor> initializers)
    {
        var counts = new ChannelCounts(outer, initializers);
        foreach (var input in graph.Inputs)
            if (input.Shape is { Length: 4 } && input.Shape[1] is long c) counts._known[input.Name] = c;
        // The converter writes nodes after the nodes they read.
        foreach (var node in graph.Nodes) counts.Infer(node);
        return counts;
    }

    public long? this[string value] =>
        _known.TryGetValue(value, out var c) ? c : _outer?[value];

    private void Infer(OnnxNode node)
    {
        if (node.OpType == "Split")
        {
            InferSplit(node);
            return;
        }
        if (node.OpType == "If")
        {
            InferIf(node);
            return;
        }
        var channels = node.OpType switch
        {
            "Conv" when _initializers.TryGetValue(node.Inputs[1], out var w) && w.Dims.Length == 4 => w.Dims[0],
            "Concat" when IntAttribute(node, "axis") == 1 => Sum(node.Inputs.Select(i => this[i])),
            "Pad" => PaddedChannels(node),
            "Slice" => SlicedChannels(node),
            _ when KeepChannels.Contains(node.OpType) => this[node.Inputs[0]],
            _ when Elementwise.Contains(node.OpType) => Broadcast(node.Inputs.Select(OperandChannels).ToList()),
            _ => null,
        };
        if (channels is long c) _known[node.Outputs[0]] = c;
    }

    private static long? Sum(IEnumerable<long?> parts)
    {
        long total = 0;
        foreach (var p in parts)
        {
            if (p is not long c) return null;
            total += c;
        }
        return total;
    }

    /// <summary>A constant operand broadcasts from the right: its axis 1 in a 4-D result is its third dim from the end.</summary>
    private long? OperandChannels(string value) =>
        _initializers.TryGetValue(value, out var t) ? (t.Dims.Length >= 3 ? t.Dims[t.Dims.Length - 3] : 1) : this[value];

    /// <summary>Broadcasting: any count above 1 is the result's; all 1 is 1; an unknown beside only 1s is unknown.</summary>
    private static long? Broadcast(IReadOnlyList<long?> operands)
    {
        var wide = operands.FirstOrDefault(c => c > 1);
        if (wide != null) return wide;
        return operands.All(c => c == 1) ? 1 : null;
    }

    private long? PaddedChannels(OnnxNode node)
    {
        var c = this[node.Inputs[0]];
        if (c == null || node.Inputs.Length < 2 || !TryInts(node.Inputs[1], out var pads) || pads.Length != 8) return null;
        return c + pads[1] + pads[5];
    }

    /// <summary>A slice keeps the channels unless it cuts axis 1 (then it is not worked out).</summary>
    private long? SlicedChannels(OnnxNode node)
    {
        var c = this[node.Inputs[0]];
        if (c == null || !TryInts(node.Inputs[1], out var starts) || !TryInts(node.Inputs[2], out var ends)) return null;
        long[] axes;
        if (node.Inputs.Length > 3 && node.Inputs[3].Length > 0)
        {
            if (!TryInts(node.Inputs[3], out axes)) return null;
        }
        else axes = Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        long[]? steps = null;
        if (node.Inputs.Length > 4 && node.Inputs[4].Length > 0 && !TryInts(node.Inputs[4], out steps)) return null;
        for (int i = 0; i < axes.Length; i++)
        {
            if (axes[i] != 1 && axes[i] != -3) continue;
            bool whole = starts[i] == 0 && ends[i] >= c && (steps == null || steps[i] == 1);
            if (!whole) return null;
        }
        return c;
    }

    private void InferSplit(OnnxNode node)
    {
        if (IntAttribute(node, "axis") != 1 || this[node.Inputs[0]] is not long c) return;
        long[] sizes;
        if (node.Inputs.Length > 1 && node.Inputs[1].Length > 0)
        {
            if (!TryInts(node.Inputs[1], out sizes)) return;
        }
        else if (c % node.Outputs.Length == 0) sizes = Enumerable.Repeat(c / node.Outputs.Length, node.Outputs.Length).ToArray();
        else return;
        for (int i = 0; i < node.Outputs.Length && i < sizes.Length; i++) _known[node.Outputs[i]] = sizes[i];
    }

    private void InferIf(OnnxNode node)
    {
        var branches = node.Attributes.Where(a => a.Value is OnnxGraph)
            .Select(a => ((OnnxGraph)a.Value, Of((OnnxGraph)a.Value, this, _initializers))).ToList();
        for (int i = 0; i < node.Outputs.Length; i++)
        {
            var counts = branches.Select(b => b.Item2[b.Item1.Outputs[i].Name]).Distinct().ToList();
            if (counts.Count == 1 && counts[0] is long c) _known[node.Outputs[i]] = c;
        }
    }

    private bool TryInts(string value, out long[] ints)
    {
        ints = Array.Empty<long>();
        if (!_initializers.TryGetValue(value, out var t) || t.DataType != OnnxDataType.Int64) return false;
        ints = new long[t.RawData.Length / 8];
        Buffer.BlockCopy(t.RawData, 0, ints, 0, t.RawData.Length);
        return true;
    }

    private static long? IntAttribute(OnnxNode node, string name) =>
        node.Attributes.FirstOrDefault(a => a.Name == name)?.Value as long?;
}

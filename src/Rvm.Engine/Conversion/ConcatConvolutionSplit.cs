using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Onnx;

namespace Rvm.Conversion;

/// <summary>
/// Rewrites a convolution over a channel concatenation as one convolution per part, summed:
/// conv(concat(a, b), W, B) = conv(a, W[:, :ca], B) + conv(b, W[:, ca:]). ONNX Runtime runs a convolution in its
/// blocked NCHWc kernels only when its input channels are a multiple of 4 (then padded to the block) or fewer
/// than the block; RVM's decoder concatenates its features with the 3-channel downsampled frame (35, 59, 107 and
/// 171 channels), which ran outside them at about half speed. Each part here is a conv output (aligned) or the
/// frame (3 channels, read as NCHW directly). Only misaligned convolutions are split, so the others keep their
/// single kernel.
/// </summary>
internal static class ConcatConvolutionSplit
{
    /// <summary>ONNX Runtime's NCHWc transformer reorders an input only when its channels are a multiple of this.</summary>
    public const long ChannelAlignment = 4;

    /// <summary>Splits every misaligned convolution over a channel concatenation in the model's graphs; returns the parts' channel counts of each.</summary>
    public static IReadOnlyList<long[]> Apply(OnnxGraph root)
    {
        var initializers = root.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var reads = new Dictionary<string, int>(StringComparer.Ordinal);
        CountReads(root, reads);
        var splits = new List<long[]>();
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        Rewrite(root, null, root, initializers, reads, splits, replaced);
        // Concatenations and weights that only the split convolutions read go with them.
        root.Initializers.RemoveAll(t => replaced.Contains(t.Name) && !reads.ContainsKey(t.Name));
        return splits;
    }

    /// <summary>True when ONNX Runtime can run a convolution with this many input channels in its blocked kernels.</summary>
    public static bool IsAligned(long inputChannels) => inputChannels % ChannelAlignment == 0;

    private static void Rewrite(OnnxGraph graph, ChannelCounts? outer, OnnxGraph root, Dictionary<string, OnnxTensor> initializers,
        Dictionary<string, int> reads, List<long[]> splits, HashSet<string> replaced)
    {
        var channels = ChannelCounts.Of(graph, outer, initializers);
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (var output in node.Outputs)
                producers[output] = node;

        var rewritten = new List<OnnxNode>(graph.Nodes.Count);
        foreach (var node in graph.Nodes)
        {
            foreach (var sub in node.Attributes.Select(a => a.Value).OfType<OnnxGraph>())
                Rewrite(sub, channels, root, initializers, reads, splits, replaced);
            var parts = node.OpType == "Conv" ? SplitPoints(node, producers, channels, initializers) : null;
            if (parts == null)
            {
                rewritten.Add(node);
                continue;
            }
            var concat = producers[node.Inputs[0]];
            rewritten.AddRange(SplitNodes(node, concat.Inputs, parts, root, initializers, reads));
            foreach (var input in node.Inputs.Take(2))
            {
                Release(reads, input);
                replaced.Add(input);
            }
            splits.Add(parts);
        }
        rewritten.RemoveAll(n => n.OpType == "Concat" && replaced.Contains(n.Outputs[0]) && !reads.ContainsKey(n.Outputs[0]));
        graph.Nodes.Clear();
        graph.Nodes.AddRange(rewritten);
    }

    /// <summary>The parts' channel counts when this convolution is a misaligned one over a channel concatenation; else null.</summary>
    private static long[]? SplitPoints(OnnxNode conv, Dictionary<string, OnnxNode> producers, ChannelCounts channels,
        Dictionary<string, OnnxTensor> initializers)
    {
        if (!producers.TryGetValue(conv.Inputs[0], out var concat) || concat.OpType != "Concat" || concat.Inputs.Length < 2) return null;
        if (concat.Attributes.FirstOrDefault(a => a.Name == "axis")?.Value as long? != 1) return null;
        if (conv.Attributes.FirstOrDefault(a => a.Name == "group")?.Value as long? is long group && group != 1) return null;
        if (!initializers.TryGetValue(conv.Inputs[1], out var w) || w.Dims.Length != 4 || w.DataType != OnnxDataType.Float) return null;
        long total = w.Dims[1];
        if (IsAligned(total)) return null;
        var parts = concat.Inputs.Select(i => channels[i]).ToArray();
        // One part may be unknown (a graph input of any size): it is what the weights leave.
        int unknown = parts.Count(p => p == null);
        if (unknown > 1) return null;
        long known = parts.Sum(p => p ?? 0);
        var counts = parts.Select(p => p ?? total - known).ToArray();
        return counts.All(c => c > 0) && counts.Sum() == total ? counts : null;
    }

    private static List<OnnxNode> SplitNodes(OnnxNode conv, string[] partInputs, long[] parts, OnnxGraph root,
        Dictionary<string, OnnxTensor> initializers, Dictionary<string, int> reads)
    {
        var w = initializers[conv.Inputs[1]];
        var nodes = new List<OnnxNode>();
        string? sum = null;
        long start = 0;
        for (int p = 0; p < parts.Length; p++)
        {
            var slice = SliceInputChannels(w, start, parts[p]);
            if (!initializers.ContainsKey(slice.Name))
            {
                initializers[slice.Name] = slice;
                root.Initializers.Add(slice);
            }
            // The bias is added once, by the first part.
            var inputs = p == 0 ? conv.Inputs.Skip(2).Prepend(slice.Name).Prepend(partInputs[p]).ToArray() : new[] { partInputs[p], slice.Name };
            foreach (var i in inputs) Read(reads, i);
            var output = $"{conv.Outputs[0]}/in{start}-{start + parts[p]}";
            nodes.Add(new OnnxNode("Conv", $"{conv.Name}/in{start}-{start + parts[p]}", inputs, new[] { output }, conv.Attributes));
            start += parts[p];
            if (sum == null)
            {
                sum = output;
                continue;
            }
            var last = p == parts.Length - 1;
            var added = last ? conv.Outputs[0] : $"{conv.Outputs[0]}/sum{p}";
            Read(reads, sum);
            Read(reads, output);
            nodes.Add(new OnnxNode("Add", $"{conv.Name}/sum{p}", new[] { sum, output }, new[] { added }, Array.Empty<OnnxAttribute>()));
            sum = added;
        }
        return nodes;
    }

    /// <summary>W[:, start:start+count] of an OIHW filter.</summary>
    private static OnnxTensor SliceInputChannels(OnnxTensor w, long start, long count)
    {
        long cout = w.Dims[0], cin = w.Dims[1], kernel = w.Dims[2] * w.Dims[3];
        var src = new float[w.RawData.Length / 4];
        Buffer.BlockCopy(w.RawData, 0, src, 0, w.RawData.Length);
        var dst = new float[cout * count * kernel];
        for (long o = 0; o < cout; o++)
            Array.Copy(src, (o * cin + start) * kernel, dst, o * count * kernel, count * kernel);
        return OnnxTensor.FromFloats($"{w.Name}/in{start}-{start + count}", new[] { cout, count, w.Dims[2], w.Dims[3] }, dst);
    }

    private static void CountReads(OnnxGraph graph, Dictionary<string, int> reads)
    {
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs) Read(reads, input);
            foreach (var sub in node.Attributes.Select(a => a.Value).OfType<OnnxGraph>()) CountReads(sub, reads);
        }
        foreach (var output in graph.Outputs) Read(reads, output.Name);
    }

    private static void Read(Dictionary<string, int> reads, string value)
    {
        if (value.Length > 0) reads[value] = reads.TryGetValue(value, out var n) ? n + 1 : 1;
    }

    private static void Release(Dictionary<string, int> reads, string value)
    {
        if (reads.TryGetValue(value, out var n) && --n == 0) reads.Remove(value);
        else if (n > 0) reads[value] = n;
    }
}

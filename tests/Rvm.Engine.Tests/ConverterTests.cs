using System;
using System.IO;
using System.Linq;
using Rvm.Conversion;
using Rvm.Models;
using Rvm.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace Rvm.Tests;

/// <summary>The TFJS converter's structure, on the real TFJS model from the cache (fetched by the model fixture).</summary>
[Collection("model")]
public sealed class ConverterTests
{
    private readonly string _modelJson;
    private readonly ITestOutputHelper _output;

    public ConverterTests(ModelFixture fixture, ITestOutputHelper output)
    {
        _output = output;
        _modelJson = ModelCache.Default().PathOf("tfjs", "human-models-3.0.4", "rvm.json");
        _ = fixture;
    }

    private OnnxModel ConvertOrSkip()
    {
        Skip.IfNot(File.Exists(_modelJson), "the TFJS export is not cached (the release asset was used)");
        return TfjsToOnnxConverter.Convert(TfjsGraphModel.Load(_modelJson));
    }

    [SkippableFact]
    public void ConditionalsBecomeIfNodesWithBothBranches()
    {
        var model = ConvertOrSkip();
        var ifs = model.Graph.Nodes.Where(n => n.OpType == "If").ToList();
        // "ratio == 1" guards two conditionals: the input resize, and the fast guided filter with its two outputs.
        Assert.Equal(2, ifs.Count);
        Assert.Contains(ifs, n => n.Outputs.Length == 2);
        foreach (var node in ifs)
        {
            var thenGraph = (OnnxGraph)node.Attributes.Single(a => a.Name == "then_branch").Value;
            var elseGraph = (OnnxGraph)node.Attributes.Single(a => a.Name == "else_branch").Value;
            Assert.Equal(node.Outputs.Length, thenGraph.Outputs.Count);
            Assert.Equal(node.Outputs.Length, elseGraph.Outputs.Count);
        }
    }

    [SkippableFact]
    public void PresentsTheOfficialInterfaceAndDropsDeadNodes()
    {
        var model = ConvertOrSkip();
        Assert.Equal(new[] { "src", "r1i", "r2i", "r3i", "r4i", "downsample_ratio" }, model.Graph.Inputs.Select(i => i.Name));
        Assert.Equal(new[] { "fgr", "pha", "r1o", "r2o", "r3o", "r4o" }, model.Graph.Outputs.Select(o => o.Name));
        // The dilated-convolution shape arithmetic (SpaceToBatchND paddings) is gone with the pattern.
        Assert.DoesNotContain(model.Graph.Nodes, n => n.OpType == "Mod");
        Assert.Equal(3, model.Graph.Nodes.Count(n => n.OpType == "Conv" && n.Attributes.Any(a => a.Name == "dilations" && ((long[])a.Value).SequenceEqual(new long[] { 2, 2 }))));
    }

    [SkippableFact]
    public void DequantisesExactlyAsTensorFlowJs()
    {
        Skip.IfNot(File.Exists(_modelJson), "the TFJS export is not cached");
        var graph = TfjsGraphModel.Load(_modelJson);
        var first = graph.Weights.Values.First(w => w.Name.EndsWith("conv2d/Conv2D_weights", StringComparison.Ordinal));
        var bin = File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(_modelJson)!, "rvm.bin"));
        // The first weight in the manifest: uint8, min -6.163336540670955, scale 0.05502979054170496.
        Assert.Equal((float)(bin[0] * 0.05502979054170496 + -6.163336540670955), first.Floats[0]);
        Assert.Equal((float)(bin[5] * 0.05502979054170496 + -6.163336540670955), first.Floats[5]);
    }

    /// <summary>
    /// The decoder's 3x3 convolutions over its features and the downsampled frame (35, 59, 107 and 171 channels) are
    /// split into one convolution per part (issue 13), in both models, and no misaligned one is left.
    /// </summary>
    [SkippableFact]
    public void SplitsTheConvolutionsOverTheFrame()
    {
        Skip.IfNot(File.Exists(_modelJson), "the TFJS export is not cached");
        var graph = TfjsGraphModel.Load(_modelJson);
        foreach (var model in new[] { TfjsToOnnxConverter.Convert(graph), TfjsToOnnxConverter.ConvertCoefficients(graph) })
        {
            var weights = model.Graph.Initializers.ToDictionary(t => t.Name);
            var convs = AllNodes(model.Graph).Where(n => n.OpType == "Conv").ToList();
            var split = convs.Where(n => n.Name.Contains("/in")).GroupBy(n => n.Name.Substring(0, n.Name.LastIndexOf("/in", StringComparison.Ordinal)))
                .Select(g => string.Join("+", g.Select(n => weights[n.Inputs[1]].Dims[1])))
                .OrderBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToList();
            _output.WriteLine($"{model.Graph.Inputs[0].Name}: {string.Join(", ", split)}");
            Assert.Equal(new[] { "32+3", "40+16+3", "80+24+3", "128+40+3" }, split);
            var producers = AllNodes(model.Graph).SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
            // Grouped convolutions (the box filters over concat(x, y, xy, xx)) are outside the rewrite.
            Assert.DoesNotContain(convs, n => producers.TryGetValue(n.Inputs[0], out var p) && p.OpType == "Concat"
                && !n.Attributes.Any(a => a.Name == "group" && (long)a.Value != 1) && !ConcatConvolutionSplit.IsAligned(weights[n.Inputs[1]].Dims[1]));
        }
    }

    private static System.Collections.Generic.IEnumerable<OnnxNode> AllNodes(OnnxGraph graph) =>
        graph.Nodes.SelectMany(n => new[] { n }.Concat(n.Attributes.Select(a => a.Value).OfType<OnnxGraph>().SelectMany(AllNodes)));

    [Fact]
    public void RefusesAGraphThatIsNotRvm()
    {
        var json = "{\"format\":\"graph-model\",\"modelTopology\":{\"node\":[]},\"weightsManifest\":[{\"paths\":[],\"weights\":[]}],\"signature\":{\"inputs\":{},\"outputs\":{}}}";
        var graph = TfjsGraphModel.Parse(System.Text.Encoding.UTF8.GetBytes(json), _ => Array.Empty<byte>());
        var e = Assert.Throws<NotSupportedException>(() => TfjsToOnnxConverter.Convert(graph));
        Assert.Contains("not an RVM model", e.Message);
    }
}

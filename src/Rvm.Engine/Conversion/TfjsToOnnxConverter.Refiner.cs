using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Onnx;
using Rvm.Inference;

namespace Rvm.Conversion;

internal sealed partial class TfjsToOnnxConverter
{
    /// <summary>Outputs of the coefficient model: the fast guided filter's A and b at the network's resolution.</summary>
    public static readonly string[] CoefficientOutputs = { "gf_a", "gf_b" };

    /// <summary>The coefficient model's image input: the frame already resized to the network's resolution.</summary>
    public const string SmallSourceInput = "src_sm";

    /// <summary>
    /// The same network without its full-resolution ends, for downsample ratios below 1. It starts at src_sm
    /// [B,3,h,w], the frame already resized (bilinear, half-pixel centres, h = (int)(H·ratio) in float32, as
    /// the graph's own resize), and ends at the fast guided filter's coefficients A and b [B,4,h,w] (channels R,
    /// G, B, alpha); the caller computes fgr = clamp(up(A)·src + up(b) + src) and pha = clamp(up(A)·mean(src) +
    /// up(b)) itself, a row at a time. So no full-size tensor exists in ONNX Runtime (at 4K its tail alone took
    /// about 560 MB). Both conditionals are taken as their ratio-below-1 sides, so this model must not be run at
    /// ratio 1.
    /// </summary>
    public static OnnxModel ConvertCoefficients(TfjsGraphModel model)
    {
        CheckSignature(model);
        return new TfjsToOnnxConverter(model, nchw: true).RunCoefficients();
    }

    private OnnxModel RunCoefficients()
    {
        var (a, b, side) = FindGuidedFilter();
        // The input resize's result is the graph's input: nothing reads the full-size frame.
        _root.Values[FindInputResize()] = MarkActivation(SmallSourceInput);
        _types[SmallSourceInput] = OnnxDataType.Float;
        // Values of the guided-filter side are written straight into the main graph.
        var taken = new ConversionScope(_root.Graph, _root, side);
        var graph = _root.Graph;
        foreach (var (name, tensor) in CoefficientOutputs.Zip(new[] { a, b }, (n, t) => (n, t)))
        {
            Emit(_root, "Identity", new[] { Activation(Resolve(tensor, taken)) }, output: name);
            graph.Outputs.Add(new OnnxValueInfo(name, OnnxDataType.Float, new object[] { "batch", 4L, "h_gf", "w_gf" }));
        }
        foreach (var name in ModelContract.StateOutputs)
        {
            Emit(_root, "Identity", new[] { Activation(Resolve(_model.SignatureOutputs[name], _root)) }, output: name);
            graph.Outputs.Add(new OnnxValueInfo(name, OnnxDataType.Float, new object[] { "batch", "c_" + name, "h_" + name, "w_" + name }));
        }
        graph.Inputs.Add(new OnnxValueInfo(SmallSourceInput, OnnxDataType.Float, new object[] { "batch", 3L, "h_sm", "w_sm" }));
        AddStateInputs(graph);
        var declared = new HashSet<string>(graph.Inputs.Select(i => i.Name).Concat(graph.Initializers.Select(i => i.Name)), StringComparer.Ordinal);
        var produced = new HashSet<string>(graph.Nodes.SelectMany(n => n.Outputs), StringComparer.Ordinal);
        var stray = graph.Nodes.SelectMany(n => n.Inputs).FirstOrDefault(i => i.Length > 0 && !declared.Contains(i) && !produced.Contains(i));
        if (stray != null) throw new NotSupportedException($"The coefficient model still reads '{stray}'.");
        ConcatConvolutionSplit.Apply(graph);
        return new OnnxModel(graph);
    }

    /// <summary>The TF tensor of the input resize: the Merge whose ratio-below-1 side resizes the src input.</summary>
    private string FindInputResize()
    {
        foreach (var merge in _model.Nodes.Where(n => n.Op == "Merge" && n.Inputs.Count == 2))
            foreach (var input in merge.Inputs)
            {
                var resize = Node(TfjsNode.Split(input).Node);
                if (resize.Op != "ResizeBilinear") continue;
                var source = Producer(resize, 0);
                while (source.Op is "Identity" or "Switch") source = Producer(source, 0);
                if (source.Op != "Placeholder" || source.Name != ModelContract.Source) continue;
                if (!resize.GetBool("half_pixel_centers") || resize.GetBool("align_corners"))
                    throw new NotSupportedException($"{resize}: the input resize must use half-pixel centres.");
                return $"{merge.Name}:0";
            }
        throw new NotSupportedException("No conditional resize of the src input was found.");
    }

    /// <summary>
    /// Finds, from the fgr output back, fgr = clip(Merge(..., split(resize(A)·x + resize(b))) + src): the tensors
    /// A and b and the side of the conditional they run on. Any other shape of graph is refused by name.
    /// </summary>
    private (string A, string B, BranchKey Side) FindGuidedFilter()
    {
        var node = Node(TfjsNode.Split(_model.SignatureOutputs[ModelContract.Foreground]).Node);
        while (node.Op is "Identity" or "Maximum" or "Minimum") node = Producer(node, 0);
        Expect(node, "AddV2");
        var merge = Producer(node, 0);
        if (merge.Op != "Merge") merge = Producer(node, 1);
        Expect(merge, "Merge");
        var predicate = _flow.PredicateOfMerge(merge.Name);
        foreach (var input in merge.Inputs)
        {
            var split = Node(TfjsNode.Split(input).Node);
            if (split.Op != "SplitV" && split.Op != "Split") continue;
            var sum = Producer(split, split.Op == "SplitV" ? 0 : 1);
            if (sum.Op != "AddV2") continue;
            var product = Producer(sum, 0);
            var upB = Producer(sum, 1);
            Expect(product, "Mul");
            Expect(upB, "ResizeBilinear");
            var upA = Producer(product, 0).Op == "ResizeBilinear" ? Producer(product, 0) : Producer(product, 1);
            Expect(upA, "ResizeBilinear");
            if (!upA.GetBool("half_pixel_centers") || upA.GetBool("align_corners") || !upB.GetBool("half_pixel_centers"))
                throw new NotSupportedException($"{upA}: the guided filter's resize must use half-pixel centres.");
            if (!_flow.TryGetBranch(upA.Name, out var side) || side.Predicate != predicate)
                throw new NotSupportedException($"{upA} is not inside the refiner's conditional.");
            return (upA.Inputs[0], upB.Inputs[0], side);
        }
        throw new NotSupportedException($"{merge}: no side of the refiner's conditional is a fast guided filter.");
    }

    private TfjsNode Producer(TfjsNode node, int input) => Node(TfjsNode.Split(node.Inputs[input]).Node);

    private static void Expect(TfjsNode node, string op)
    {
        if (node.Op != op) throw new NotSupportedException($"Expected {op} in the refiner, found {node}.");
    }
}

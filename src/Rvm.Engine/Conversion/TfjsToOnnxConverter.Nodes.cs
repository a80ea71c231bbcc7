using System;
using System.Linq;
using Rvm.Onnx;
using Rvm.Inference;

namespace Rvm.Conversion;

internal sealed partial class TfjsToOnnxConverter
{
    private void ConvertNode(TfjsNode node, ConversionScope scope)
    {
        switch (node.Op)
        {
            case "Const": Set(scope, node, ConstInitializer(node)); break;
            case "Placeholder": Set(scope, node, Placeholder(node)); break;
            case "Merge": ConvertConditional(node, scope); break;

            case "Mul": Binary(node, scope, "Mul"); break;
            case "Add":
            case "AddV2": Binary(node, scope, "Add"); break;
            case "Sub": Binary(node, scope, "Sub"); break;
            case "RealDiv": Binary(node, scope, "Div"); break;
            case "Minimum": Binary(node, scope, "Min"); break;
            case "Maximum": Binary(node, scope, "Max"); break;
            case "Equal": Binary(node, scope, "Equal", OnnxDataType.Bool); break;
            case "FloorMod": FloorMod(node, scope); break;
            case "Square":
            {
                var x = In(node, 0, scope);
                Set(scope, node, SameLayout(x, Emit(scope, "Mul", new[] { x, x })));
                break;
            }
            case "Relu":
            case "Sigmoid":
            case "Tanh":
            {
                var x = In(node, 0, scope);
                Set(scope, node, SameLayout(x, Emit(scope, node.Op, new[] { x })));
                break;
            }
            case "Relu6":
            {
                var x = In(node, 0, scope);
                Set(scope, node, SameLayout(x, Relu6(scope, x)));
                break;
            }
            case "Cast":
            {
                var to = FromTf(node.GetType("DstT"));
                var x = In(node, 0, scope);
                Set(scope, node, SameLayout(x, Emit(scope, "Cast", new[] { x }, new[] { OnnxAttribute.Int("to", (long)to) }, type: to)));
                break;
            }

            case "Shape": Shape(node, scope); break;
            case "StridedSlice": StridedSlice(node, scope); break;
            case "Slice": Slice(node, scope); break;
            case "Pack": Pack(node, scope); break;
            case "ConcatV2": Concat(node, scope); break;
            case "Split": Split(node, scope, valueIndex: 1, axisIndex: 0, sizes: null); break;
            case "SplitV": Split(node, scope, valueIndex: 0, axisIndex: 2, sizes: RequireConstant(node, 1).Ints); break;
            case "Squeeze": Squeeze(node, scope); break;
            case "Mean": Mean(node, scope); break;
            case "Pad": Pad(node, scope); break;
            case "BroadcastTo":
            {
                var x = In(node, 0, scope);
                var shape = CastTo(scope, In(node, 1, scope), OnnxDataType.Int64);
                // The target shape is TF's NHWC; an NCHW activation expands to it in NCHW order.
                if (IsActivation(x)) shape = Emit(scope, "Gather", new[] { shape, Int64s(0, 3, 1, 2) }, new[] { OnnxAttribute.Int("axis", 0) });
                Set(scope, node, SameLayout(x, Emit(scope, "Expand", new[] { x, shape })));
                break;
            }

            case "Conv2D":
            case "_FusedConv2D": Set(scope, node, Convolution(node, scope, depthwise: false, input: null, dilation: null)); break;
            case "DepthwiseConv2dNative":
            case "FusedDepthwiseConv2dNative": Set(scope, node, Convolution(node, scope, depthwise: true, input: null, dilation: null)); break;
            case "BatchToSpaceND": DilatedConvolution(node, scope); break;
            case "AvgPool": AvgPool(node, scope); break;
            case "ResizeBilinear": ResizeBilinear(node, scope); break;

            default:
                throw new NotSupportedException($"TF op {node.Op} (node '{node.Name}') is not supported by the converter.");
        }
    }

    private string ConstInitializer(TfjsNode node)
    {
        var w = Weight(node);
        var dims = w.Shape.Select(d => (long)d).ToArray();
        return AddInitializer(w.Values switch
        {
            float[] f => OnnxTensor.FromFloats(node.Name, dims, f),
            int[] i => OnnxTensor.FromInt32s(node.Name, dims, i),
            bool[] b => OnnxTensor.FromBools(node.Name, dims, b),
            _ => throw new NotSupportedException($"Constant '{node.Name}' has an unsupported type."),
        });
    }

    private string Placeholder(TfjsNode node)
    {
        var publicName = _model.SignatureInputs.FirstOrDefault(kv => kv.Value == node.Name).Key
            ?? throw new NotSupportedException($"Placeholder '{node.Name}' is not an input of the model's signature.");
        _names.Add(publicName);
        _types[publicName] = OnnxDataType.Float;
        // The ONNX interface is NCHW like the official release; the TF graph computes in NHWC.
        if (!ModelContract.ImageInputs.Contains(publicName)) return publicName;
        return _nchw ? MarkActivation(publicName) : Transpose(_root, publicName, ToNhwc);
    }

    /// <summary>The output of an elementwise op is an activation when its input is.</summary>
    private string SameLayout(string input, string output) => IsActivation(input) ? MarkActivation(output) : output;

    private void Binary(TfjsNode node, ConversionScope scope, string op, OnnxDataType? type = null)
    {
        // A constant beside an activation is placed for NCHW broadcasting before it is ever emitted, so the
        // NHWC-shaped original does not linger in the model unused.
        var constA = ConstantOf(node.Inputs[0]);
        var constB = ConstantOf(node.Inputs[1]);
        string? a = constA == null ? In(node, 0, scope) : null;
        string? b = constB == null ? In(node, 1, scope) : null;
        bool actA = a != null && IsActivation(a), actB = b != null && IsActivation(b);
        a ??= actB ? BroadcastOperand(node, constA!, () => In(node, 0, scope)) : In(node, 0, scope);
        b ??= actA ? BroadcastOperand(node, constB!, () => In(node, 1, scope)) : In(node, 1, scope);
        var result = Emit(scope, op, new[] { a, b }, type: type);
        Set(scope, node, actA || actB ? MarkActivation(result) : result);
    }

    /// <summary>
    /// A constant operand of an activation: NHWC broadcasting puts a vector on the channels (last axis), NCHW
    /// needs it as [C,1,1]; a 4-D constant is transposed. Single values stay as they are.
    /// </summary>
    private string BroadcastOperand(TfjsNode node, TfjsTensor constant, Func<string> asIs)
    {
        if (constant.Values.Length == 1) return asIs();
        var floats = constant.Floats;
        switch (constant.Shape.Length)
        {
            case 1:
                return AddInitializer(OnnxTensor.FromFloats(constant.Name + "/nchw", new long[] { floats.Length, 1, 1 }, floats));
            case 4:
            {
                int n = constant.Shape[0], h = constant.Shape[1], w = constant.Shape[2], c = constant.Shape[3];
                var nchw = new float[floats.Length];
                for (int i = 0; i < n; i++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                            for (int k = 0; k < c; k++)
                                nchw[((i * c + k) * h + y) * w + x] = floats[((i * h + y) * w + x) * c + k];
                return AddInitializer(OnnxTensor.FromFloats(constant.Name + "/nchw", new long[] { n, c, h, w }, nchw));
            }
            default:
                throw new NotSupportedException($"{node}: a rank-{constant.Shape.Length} constant beside an activation is not supported in the NCHW layout.");
        }
    }

    private void FloorMod(TfjsNode node, ConversionScope scope)
    {
        var a = In(node, 0, scope);
        var b = In(node, 1, scope);
        if (TypeOf(a) == OnnxDataType.Float)
        {
            // ONNX Mod on floats is C fmod (sign of the dividend); TF FloorMod takes the divisor's sign.
            var q = Emit(scope, "Floor", new[] { Emit(scope, "Div", new[] { a, b }) });
            Set(scope, node, Emit(scope, "Sub", new[] { a, Emit(scope, "Mul", new[] { q, b }) }));
        }
        else Set(scope, node, Emit(scope, "Mod", new[] { a, b }, new[] { OnnxAttribute.Int("fmod", 0) }));
    }

    private string Relu6(ConversionScope scope, string x) =>
        Emit(scope, "Clip", new[] { x, FloatScalar(0f), FloatScalar(6f) });

    private void ConvertConditional(TfjsNode merge, ConversionScope scope)
    {
        var predicate = _flow.PredicateOfMerge(merge.Name);
        var merges = _flow.MergesOf(predicate);
        var thenScope = new ConversionScope(new OnnxGraph(UniqueName(merge.Name + "/then")), scope, new BranchKey(predicate, true));
        var elseScope = new ConversionScope(new OnnxGraph(UniqueName(merge.Name + "/else")), scope, new BranchKey(predicate, false));
        var outputs = new string[merges.Count];
        for (int m = 0; m < merges.Count; m++)
        {
            var node = merges[m];
            if (node.Inputs.Count != 2) throw new NotSupportedException($"{node} must have two inputs.");
            int trueIndex = SideOf(node.Inputs[0], predicate) ? 0 : 1;
            if (SideOf(node.Inputs[1 - trueIndex], predicate)) throw new NotSupportedException($"{node} joins one side with itself.");
            var thenValue = BranchOutput(thenScope, node.Inputs[trueIndex]);
            var elseValue = BranchOutput(elseScope, node.Inputs[1 - trueIndex]);
            outputs[m] = UniqueName(node.Name);
            _types[outputs[m]] = TypeOf(thenValue);
            if (IsActivation(thenValue) != IsActivation(elseValue))
                throw new NotSupportedException($"{node}: its two sides have different layouts.");
            Set(scope, node, IsActivation(thenValue) ? MarkActivation(outputs[m]) : outputs[m]);
        }
        var condition = Resolve(predicate, scope);
        scope.Graph.Nodes.Add(new OnnxNode("If", UniqueName(predicate + "/If"), new[] { condition }, outputs, new[]
        {
            OnnxAttribute.Graph("then_branch", thenScope.Graph),
            OnnxAttribute.Graph("else_branch", elseScope.Graph),
        }));
    }

    /// <summary>A branch's result becomes a subgraph output; an Identity makes it local even when it is an outer value.</summary>
    private string BranchOutput(ConversionScope branch, string tensorRef)
    {
        var value = Resolve(tensorRef, branch);
        var output = SameLayout(value, Emit(branch, "Identity", new[] { value }, output: UniqueName(value + "/out")));
        branch.Graph.Outputs.Add(new OnnxValueInfo(output, TypeOf(output), null));
        return output;
    }

    private bool SideOf(string tensorRef, string predicate)
    {
        var (name, port) = TfjsNode.Split(tensorRef);
        var node = Node(name);
        if (node.Op == "Switch" && node.Inputs[1] == predicate) return port == 1;
        if (node.Op == "Identity") return SideOf(node.Inputs[0], predicate);
        if (_flow.TryGetBranch(name, out var key) && key.Predicate == predicate) return key.Side;
        throw new NotSupportedException($"Merge input '{tensorRef}' belongs to no side of conditional '{predicate}'.");
    }
}

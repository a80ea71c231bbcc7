using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Onnx;

namespace Rvm.Conversion;

// Shape arithmetic and tensor plumbing. TF keeps shapes in int32; ONNX wants int64 where shapes are consumed,
// so values stay int32 as in TF and are cast at the point of use.
internal sealed partial class TfjsToOnnxConverter
{
    private void Shape(TfjsNode node, ConversionScope scope)
    {
        var x = In(node, 0, scope);
        var shape = Emit(scope, "Shape", new[] { x }, type: OnnxDataType.Int64);
        // TF's shape arithmetic expects NHWC order.
        if (IsActivation(x)) shape = Emit(scope, "Gather", new[] { shape, Int64s(NhwcAxisInNchw) }, new[] { OnnxAttribute.Int("axis", 0) });
        var outType = node.HasAttr("out_type") ? FromTf(node.GetType("out_type")) : OnnxDataType.Int32;
        Set(scope, node, CastTo(scope, shape, outType));
    }

    private void StridedSlice(TfjsNode node, ConversionScope scope)
    {
        if (node.GetInt("ellipsis_mask") != 0 || node.GetInt("new_axis_mask") != 0)
            throw new NotSupportedException($"{node}: ellipsis and new-axis masks are not supported.");
        var begin = RequireConstant(node, 1).Ints;
        var end = RequireConstant(node, 2).Ints;
        var strides = RequireConstant(node, 3).Ints;
        long beginMask = node.GetInt("begin_mask"), endMask = node.GetInt("end_mask"), shrinkMask = node.GetInt("shrink_axis_mask");
        var starts = new long[begin.Length];
        var ends = new long[begin.Length];
        var squeeze = new List<long>();
        for (int i = 0; i < begin.Length; i++)
        {
            bool forward = strides[i] > 0;
            starts[i] = (beginMask & (1L << i)) != 0 ? (forward ? 0 : long.MaxValue) : begin[i];
            ends[i] = (endMask & (1L << i)) != 0 ? (forward ? long.MaxValue : long.MinValue) : end[i];
            if ((shrinkMask & (1L << i)) != 0)
            {
                ends[i] = starts[i] == -1 ? long.MaxValue : starts[i] + 1;
                squeeze.Add(i);
            }
        }
        var x = In(node, 0, scope);
        if (IsActivation(x) && squeeze.Count > 0) throw new NotSupportedException($"{node}: shrinking an activation is not supported in the NCHW layout.");
        var axes = Enumerable.Range(0, begin.Length).Select(i => Axis(x, i)).ToArray();
        var sliced = Emit(scope, "Slice", new[]
        {
            x, Int64s(starts), Int64s(ends), Int64s(axes), Int64s(strides.Select(s => (long)s).ToArray()),
        });
        Set(scope, node, squeeze.Count == 0 ? SameLayout(x, sliced) : Emit(scope, "Squeeze", new[] { sliced, Int64s(squeeze.ToArray()) }));
    }

    /// <summary>TF Slice takes begin and size (-1: to the end); ONNX Slice takes starts and ends.</summary>
    private void Slice(TfjsNode node, ConversionScope scope)
    {
        var x = In(node, 0, scope);
        var begin = CastTo(scope, In(node, 1, scope), OnnxDataType.Int64);
        var size = CastTo(scope, In(node, 2, scope), OnnxDataType.Int64);
        int rank = ConstantOf(node.Inputs[1])?.Values.Length
            ?? throw new NotSupportedException($"{node}: begin must be a constant.");
        var toEnd = Emit(scope, "Equal", new[] { size, Int64Scalar(-1) }, type: OnnxDataType.Bool);
        var ends = Emit(scope, "Where", new[] { toEnd, Int64Scalar(long.MaxValue), Emit(scope, "Add", new[] { begin, size }) },
            type: OnnxDataType.Int64);
        // Starts and ends stay in TF's axis order; the axes say where each one is stored.
        var axes = Int64s(Enumerable.Range(0, rank).Select(i => Axis(x, i)).ToArray());
        Set(scope, node, SameLayout(x, Emit(scope, "Slice", new[] { x, begin, ends, axes })));
    }

    private void Pack(TfjsNode node, ConversionScope scope)
    {
        long axis = node.GetInt("axis");
        var axes = Int64s(axis);
        var parts = node.Inputs.Select(i => Emit(scope, "Unsqueeze", new[] { Resolve(i, scope), axes })).ToArray();
        // Pack mixes constants with computed values; they all share the first value's type in TF.
        Set(scope, node, Emit(scope, "Concat", parts, new[] { OnnxAttribute.Int("axis", axis) }));
    }

    private void Concat(TfjsNode node, ConversionScope scope)
    {
        int n = node.Inputs.Count - 1;
        var axis = RequireConstant(node, n).Ints[0];
        var parts = Enumerable.Range(0, n).Select(i => In(node, i, scope)).ToArray();
        if (parts.Any(IsActivation) && !parts.All(IsActivation)) throw new NotSupportedException($"{node}: mixes activations with other tensors.");
        Set(scope, node, SameLayout(parts[0], Emit(scope, "Concat", parts, new[] { OnnxAttribute.Int("axis", Axis(parts[0], axis)) })));
    }

    private void Split(TfjsNode node, ConversionScope scope, int valueIndex, int axisIndex, int[]? sizes)
    {
        var value = In(node, valueIndex, scope);
        var axis = Axis(value, RequireConstant(node, axisIndex).Ints[0]);
        int count = (int)node.GetInt("num_split");
        var inputs = new List<string> { value };
        if (sizes != null)
        {
            if (sizes.Any(s => s < 0)) throw new NotSupportedException($"{node}: inferred split sizes (-1) are not supported.");
            inputs.Add(Int64s(sizes.Select(s => (long)s).ToArray()));
        }
        var outputs = EmitMany(scope, "Split", inputs.ToArray(), count, new[] { OnnxAttribute.Int("axis", axis) }, node.Name);
        for (int i = 0; i < count; i++) Set(scope, node, SameLayout(value, outputs[i]), i);
    }

    private void Squeeze(TfjsNode node, ConversionScope scope)
    {
        var dims = node.GetInts("squeeze_dims");
        var x = In(node, 0, scope);
        if (IsActivation(x)) throw new NotSupportedException($"{node}: squeezing an activation is not supported in the NCHW layout.");
        var inputs = dims.Length == 0 ? new[] { x } : new[] { x, Int64s(dims) };
        Set(scope, node, Emit(scope, "Squeeze", inputs));
    }

    private void Mean(TfjsNode node, ConversionScope scope)
    {
        var x = In(node, 0, scope);
        var axes = RequireConstant(node, 1).Ints.Select(a => Axis(x, a)).ToArray();
        bool keep = node.GetBool("keep_dims");
        if (IsActivation(x) && !keep) throw new NotSupportedException($"{node}: a mean that drops axes of an activation is not supported in the NCHW layout.");
        Set(scope, node, SameLayout(x, Emit(scope, "ReduceMean", new[] { x }, new[]
        {
            OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", keep ? 1 : 0),
        })));
    }

    private void Pad(TfjsNode node, ConversionScope scope)
    {
        var paddings = RequireConstant(node, 1).Ints;
        var x = In(node, 0, scope);
        int rank = paddings.Length / 2;
        var pads = new long[rank * 2];
        for (int i = 0; i < rank; i++)
        {
            long axis = Axis(x, i);
            pads[axis] = paddings[2 * i];
            pads[rank + axis] = paddings[2 * i + 1];
        }
        Set(scope, node, SameLayout(x, Emit(scope, "Pad", new[] { x, Int64s(pads) }, new[] { OnnxAttribute.String("mode", "constant") })));
    }
}

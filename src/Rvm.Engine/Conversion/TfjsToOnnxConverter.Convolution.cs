using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Onnx;

namespace Rvm.Conversion;

// Convolutions, pooling and resizing: the ops ONNX defines for NCHW only.
internal sealed partial class TfjsToOnnxConverter
{
    private string Convolution(TfjsNode node, ConversionScope scope, bool depthwise, string? input, long[]? dilation)
    {
        if (node.GetString("data_format", "NHWC") != "NHWC")
            throw new NotSupportedException($"{node}: only NHWC convolutions are supported.");
        var x = input ?? In(node, 0, scope);
        var filter = RequireConstant(node, 1);
        var strides = node.GetInts("strides");
        var dilations = dilation ?? node.GetInts("dilations");
        if (dilations.Length == 0) dilations = new long[] { 1, 1, 1, 1 };
        int kh = filter.Shape[0], kw = filter.Shape[1], cin = filter.Shape[2], cout = filter.Shape[3];

        var weights = AddInitializer(depthwise ? DepthwiseFilter(filter) : ConvFilter(filter));
        var inputs = new List<string> { ToConvLayout(scope, x), weights };
        var fused = node.GetStrings("fused_ops");
        int nextFused = 0;
        if (fused.Length > 0 && fused[0] == "BiasAdd")
        {
            inputs.Add(In(node, 2, scope));
            nextFused = 1;
        }
        else if (fused.Length > 0)
            throw new NotSupportedException($"{node}: fused op {fused[0]} is not supported.");

        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Ints("kernel_shape", kh, kw),
            OnnxAttribute.Ints("strides", strides[1], strides[2]),
            OnnxAttribute.Ints("dilations", dilations[1], dilations[2]),
            OnnxAttribute.Int("group", depthwise ? cin : 1),
        };
        attributes.AddRange(Padding(node));
        var y = Emit(scope, "Conv", inputs.ToArray(), attributes.ToArray());
        for (int i = nextFused; i < fused.Length; i++)
            y = fused[i] switch
            {
                "Relu" => Emit(scope, "Relu", new[] { y }),
                "Relu6" => Relu6(scope, y),
                "Sigmoid" => Emit(scope, "Sigmoid", new[] { y }),
                "Tanh" => Emit(scope, "Tanh", new[] { y }),
                _ => throw new NotSupportedException($"{node}: fused activation {fused[i]} is not supported."),
            };
        return FromConvLayout(scope, y);
    }

    private static IEnumerable<OnnxAttribute> Padding(TfjsNode node)
    {
        switch (node.GetString("padding"))
        {
            case "VALID": return new[] { OnnxAttribute.Ints("pads", 0, 0, 0, 0) };
            // TF SAME puts the odd pixel at the end, as ONNX SAME_UPPER does.
            case "SAME": return new[] { OnnxAttribute.String("auto_pad", "SAME_UPPER") };
            case "EXPLICIT":
                var p = node.GetInts("explicit_paddings"); // NHWC pairs: [0,0, top,bottom, left,right, 0,0]
                return new[] { OnnxAttribute.Ints("pads", p[2], p[4], p[3], p[5]) };
            default: throw new NotSupportedException($"{node}: padding '{node.GetString("padding")}' is not supported.");
        }
    }

    /// <summary>TF [kh,kw,cin,cout] to ONNX [cout,cin,kh,kw].</summary>
    private static OnnxTensor ConvFilter(TfjsTensor f)
    {
        int kh = f.Shape[0], kw = f.Shape[1], cin = f.Shape[2], cout = f.Shape[3];
        var src = f.Floats;
        var dst = new float[src.Length];
        for (int y = 0; y < kh; y++)
            for (int x = 0; x < kw; x++)
                for (int i = 0; i < cin; i++)
                    for (int o = 0; o < cout; o++)
                        dst[((o * cin + i) * kh + y) * kw + x] = src[((y * kw + x) * cin + i) * cout + o];
        return OnnxTensor.FromFloats(f.Name + "/oihw", new long[] { cout, cin, kh, kw }, dst);
    }

    /// <summary>TF depthwise [kh,kw,cin,mult] to ONNX grouped [cin*mult,1,kh,kw]; output channel c*mult+m in both.</summary>
    private static OnnxTensor DepthwiseFilter(TfjsTensor f)
    {
        int kh = f.Shape[0], kw = f.Shape[1], cin = f.Shape[2], mult = f.Shape[3];
        var src = f.Floats;
        var dst = new float[src.Length];
        for (int y = 0; y < kh; y++)
            for (int x = 0; x < kw; x++)
                for (int c = 0; c < cin; c++)
                    for (int m = 0; m < mult; m++)
                        dst[((c * mult + m) * kh + y) * kw + x] = src[((y * kw + x) * cin + c) * mult + m];
        return OnnxTensor.FromFloats(f.Name + "/oihw", new long[] { cin * mult, 1, kh, kw }, dst);
    }

    /// <summary>
    /// TF writes a dilated convolution as SpaceToBatchND, a plain convolution, BatchToSpaceND. With VALID
    /// padding that is exactly a dilated convolution of the SpaceToBatch input, which ONNX has as one Conv.
    /// </summary>
    private void DilatedConvolution(TfjsNode batchToSpace, ConversionScope scope)
    {
        var conv = Node(TfjsNode.Split(batchToSpace.Inputs[0]).Node);
        var spaceToBatch = Node(TfjsNode.Split(conv.Inputs[0]).Node);
        bool depthwise = conv.Op is "DepthwiseConv2dNative" or "FusedDepthwiseConv2dNative";
        if (spaceToBatch.Op != "SpaceToBatchND" || !(depthwise || conv.Op is "Conv2D" or "_FusedConv2D") || conv.GetString("padding") != "VALID")
            throw new NotSupportedException($"{batchToSpace}: only SpaceToBatchND, VALID convolution, BatchToSpaceND is supported.");
        var block = RequireConstant(batchToSpace, 1).Ints;
        var block2 = RequireConstant(spaceToBatch, 1).Ints;
        if (block.Length != 2 || !block.SequenceEqual(block2))
            throw new NotSupportedException($"{batchToSpace}: block shapes differ.");
        var x = In(spaceToBatch, 0, scope);
        Set(scope, batchToSpace, Convolution(conv, scope, depthwise, x, new long[] { 1, block[0], block[1], 1 }));
    }

    private void AvgPool(TfjsNode node, ConversionScope scope)
    {
        var k = node.GetInts("ksize");
        var s = node.GetInts("strides");
        var padding = node.GetString("padding");
        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Ints("kernel_shape", k[1], k[2]),
            OnnxAttribute.Ints("strides", s[1], s[2]),
            // TF averages over the valid pixels only.
            OnnxAttribute.Int("count_include_pad", 0),
        };
        if (padding == "SAME") attributes.Add(OnnxAttribute.String("auto_pad", "SAME_UPPER"));
        else if (padding != "VALID") throw new NotSupportedException($"{node}: padding '{padding}' is not supported.");
        var y = Emit(scope, "AveragePool", new[] { ToConvLayout(scope, In(node, 0, scope)) }, attributes.ToArray());
        Set(scope, node, FromConvLayout(scope, y));
    }

    private void ResizeBilinear(TfjsNode node, ConversionScope scope)
    {
        string mode = node.GetBool("align_corners") ? "align_corners" : node.GetBool("half_pixel_centers") ? "half_pixel" : "asymmetric";
        var x = ToConvLayout(scope, In(node, 0, scope));
        var batchAndChannels = Emit(scope, "Slice", new[]
        {
            Emit(scope, "Shape", new[] { x }, type: OnnxDataType.Int64), Int64s(0), Int64s(2), Int64s(0),
        });
        var size = CastTo(scope, In(node, 1, scope), OnnxDataType.Int64);
        var sizes = Emit(scope, "Concat", new[] { batchAndChannels, size }, new[] { OnnxAttribute.Int("axis", 0) });
        var y = Emit(scope, "Resize", new[] { x, "", "", sizes }, new[]
        {
            OnnxAttribute.String("mode", "linear"),
            OnnxAttribute.String("coordinate_transformation_mode", mode),
        });
        Set(scope, node, FromConvLayout(scope, y));
    }
}

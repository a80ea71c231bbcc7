using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Onnx;
using Rvm.Inference;

namespace Rvm.Conversion;

/// <summary>
/// Converts RVM's TensorFlow.js graph model into an ONNX model with the official RVM ONNX interface:
/// NCHW inputs src [B,3,H,W] and r1i..r4i, downsample_ratio [1]; NCHW outputs fgr, pha, r1o..r4o.
/// The TF graph is NHWC. By default every 4-D activation is stored NCHW instead, and each op's axes, paddings
/// and shape arithmetic are mapped to match ("activations"), so the model needs no transposes at all; the
/// NHWC layout (transposes around convolutions, pools and resizes) remains for comparison. Nodes are converted
/// on demand from the outputs back, so dead parts of the graph (asserts, unused shape arithmetic) never reach
/// the ONNX model.
/// </summary>
internal sealed partial class TfjsToOnnxConverter
{

    private static readonly long[] ToNchw = { 0, 3, 1, 2 };
    private static readonly long[] ToNhwc = { 0, 2, 3, 1 };

    private readonly TfjsGraphModel _model;
    private readonly ControlFlowAnalysis _flow;
    private readonly ConversionScope _root;
    private readonly Dictionary<string, OnnxDataType> _types = new Dictionary<string, OnnxDataType>(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal);
    private readonly HashSet<string> _initializers = new HashSet<string>(StringComparer.Ordinal);
    // ONNX values that are 4-D activations: stored NCHW when _nchw, with TF's NHWC meaning.
    private readonly HashSet<string> _activations = new HashSet<string>(StringComparer.Ordinal);
    private readonly bool _nchw;

    private TfjsToOnnxConverter(TfjsGraphModel model, bool nchw)
    {
        _model = model;
        _nchw = nchw;
        _flow = new ControlFlowAnalysis(model);
        _root = new ConversionScope(new OnnxGraph("rvm"), null, null);
    }

    public static OnnxModel Convert(TfjsGraphModel model, bool nchw = true)
    {
        CheckSignature(model);
        return new TfjsToOnnxConverter(model, nchw).Run();
    }

    private static void CheckSignature(TfjsGraphModel model)
    {
        foreach (var name in ModelContract.InputNames)
            if (!model.SignatureInputs.ContainsKey(name))
                throw new NotSupportedException($"The TFJS model has no input '{name}'; it is not an RVM model.");
        foreach (var name in ModelContract.OutputNames)
            if (!model.SignatureOutputs.ContainsKey(name))
                throw new NotSupportedException($"The TFJS model has no output '{name}'; it is not an RVM model.");
    }

    private OnnxModel Run()
    {
        var graph = _root.Graph;
        foreach (var name in ModelContract.OutputNames)
        {
            var value = Resolve(_model.SignatureOutputs[name], _root);
            if (_nchw) Emit(_root, "Identity", new[] { Activation(value) }, output: name);
            else Emit(_root, "Transpose", new[] { value }, new[] { OnnxAttribute.Ints("perm", ToNchw) }, name);
            var channels = name == ModelContract.Foreground ? (object)3L : name == ModelContract.Alpha ? 1L : "c_" + name;
            graph.Outputs.Add(new OnnxValueInfo(name, OnnxDataType.Float,
                new object[] { "batch", channels, name.StartsWith("r") ? "h_" + name : "height", name.StartsWith("r") ? "w_" + name : "width" }));
        }
        // Graph inputs in the official order, whether or not the converted graph reads all of them.
        graph.Inputs.Add(new OnnxValueInfo(ModelContract.Source, OnnxDataType.Float, new object[] { "batch", 3L, "height", "width" }));
        AddStateInputs(graph);
        graph.Inputs.Add(new OnnxValueInfo(ModelContract.Ratio, OnnxDataType.Float, new object[] { 1L }));
        ConcatConvolutionSplit.Apply(graph);
        return new OnnxModel(graph);
    }

    /// <summary>r1i..r4i: any channel count and size, as the first frame's [1,1,1,1] zeros and every later state.</summary>
    private static void AddStateInputs(OnnxGraph graph)
    {
        foreach (var r in ModelContract.StateInputs)
            graph.Inputs.Add(new OnnxValueInfo(r, OnnxDataType.Float, new object[] { "batch", "c_" + r, "h_" + r, "w_" + r }));
    }

    // ---- resolving TF tensors to ONNX values -------------------------------------------------------

    private string Resolve(string tensorRef, ConversionScope scope)
    {
        var (nodeName, port) = TfjsNode.Split(tensorRef);
        var node = Node(nodeName);
        if (node.Op == "Switch")
        {
            // A Switch only forwards its data into one side of a conditional: read the data from outside.
            var key = new BranchKey(node.Inputs[1], port == 1);
            var branch = scope.Find(key) ?? throw new NotSupportedException($"{node} is read outside its branch {key}.");
            return Resolve(node.Inputs[0], branch.Parent!);
        }
        if (node.Op == "Identity") return Resolve(node.Inputs[0], scope);

        var home = _root;
        if (_flow.TryGetBranch(nodeName, out var nodeBranch))
            home = scope.Find(nodeBranch) ?? throw new NotSupportedException($"{node} is read outside its branch {nodeBranch}.");
        if (home.Values.TryGetValue(tensorRef, out var value)) return value;

        ConvertNode(node, home);
        return home.Values.TryGetValue(tensorRef, out value)
            ? value
            : throw new NotSupportedException($"{node} has no output {port}.");
    }

    private TfjsNode Node(string name) =>
        _model.NodesByName.TryGetValue(name, out var n) ? n : throw new NotSupportedException($"The graph has no node '{name}'.");

    private string In(TfjsNode node, int index, ConversionScope scope) => Resolve(node.Inputs[index], scope);

    private void Set(ConversionScope scope, TfjsNode node, string value, int port = 0) => scope.Values[$"{node.Name}:{port}"] = value;

    /// <summary>The constant behind a TF tensor, or null when it is computed at run time.</summary>
    private TfjsTensor? ConstantOf(string tensorRef)
    {
        var node = Node(TfjsNode.Split(tensorRef).Node);
        // Identity and Switch pass a constant through unchanged, whichever branch runs.
        while (node.Op is "Identity" or "Switch") node = Node(TfjsNode.Split(node.Inputs[0]).Node);
        return node.Op == "Const" ? Weight(node) : null;
    }

    private TfjsTensor RequireConstant(TfjsNode node, int index) =>
        ConstantOf(node.Inputs[index]) ?? throw new NotSupportedException($"{node}: input {index} must be a constant.");

    private TfjsTensor Weight(TfjsNode constNode) =>
        _model.Weights.TryGetValue(constNode.Name, out var w)
            ? w
            : throw new NotSupportedException($"Constant '{constNode.Name}' has no weight in the manifest.");

    // ---- writing ONNX nodes -------------------------------------------------------------------------

    private string UniqueName(string baseName)
    {
        if (_names.Add(baseName)) return baseName;
        for (int i = 1; ; i++)
            if (_names.Add($"{baseName}__{i}")) return $"{baseName}__{i}";
    }

    private string Emit(ConversionScope scope, string op, string[] inputs, OnnxAttribute[]? attributes = null,
        string? output = null, OnnxDataType? type = null)
    {
        var name = output ?? UniqueName($"{op}_{_names.Count}");
        if (output != null) _names.Add(output);
        scope.Graph.Nodes.Add(new OnnxNode(op, name, inputs, new[] { name }, attributes ?? Array.Empty<OnnxAttribute>()));
        _types[name] = type ?? (inputs.Length > 0 && _types.TryGetValue(inputs[0], out var t) ? t : OnnxDataType.Float);
        return name;
    }

    private string[] EmitMany(ConversionScope scope, string op, string[] inputs, int outputs, OnnxAttribute[] attributes, string baseName)
    {
        var names = Enumerable.Range(0, outputs).Select(i => UniqueName($"{baseName}:{i}")).ToArray();
        scope.Graph.Nodes.Add(new OnnxNode(op, UniqueName(baseName), inputs, names, attributes));
        foreach (var n in names) _types[n] = TypeOf(inputs[0]);
        return names;
    }

    private OnnxDataType TypeOf(string value) => _types.TryGetValue(value, out var t) ? t : OnnxDataType.Float;

    private string AddInitializer(OnnxTensor tensor)
    {
        if (_initializers.Add(tensor.Name))
        {
            _root.Graph.Initializers.Add(tensor);
            _names.Add(tensor.Name);
            _types[tensor.Name] = tensor.DataType;
        }
        return tensor.Name;
    }

    private string Int64s(params long[] values) =>
        AddInitializer(OnnxTensor.FromInt64s($"const_i64_[{string.Join(",", values)}]", new long[] { values.Length }, values));

    private string Int64Scalar(long value) =>
        AddInitializer(OnnxTensor.FromInt64s($"const_i64_{value}", Array.Empty<long>(), new[] { value }));

    private string FloatScalar(float value) =>
        AddInitializer(OnnxTensor.FromFloats($"const_f32_{value:R}", Array.Empty<long>(), new[] { value }));

    private string Transpose(ConversionScope scope, string value, long[] perm) =>
        Emit(scope, "Transpose", new[] { value }, new[] { OnnxAttribute.Ints("perm", perm) });

    // ---- layout -------------------------------------------------------------------------------------

    private static readonly long[] NhwcAxisInNchw = { 0, 2, 3, 1 };

    private bool IsActivation(string value) => _nchw && _activations.Contains(value);

    /// <summary>Marks a value as an NCHW activation (NCHW layout), and returns it.</summary>
    private string MarkActivation(string value)
    {
        if (_nchw) _activations.Add(value);
        return value;
    }

    private string Activation(string value) =>
        !_nchw || _activations.Contains(value) ? value : throw new NotSupportedException($"'{value}' was expected to be a 4-D activation.");

    /// <summary>A TF (NHWC) axis of an activation as the ONNX axis it is stored at.</summary>
    private long Axis(string value, long axis)
    {
        if (!IsActivation(value)) return axis;
        if (axis < 0) axis += 4;
        return NhwcAxisInNchw[axis];
    }

    /// <summary>An activation in the layout ONNX convolutions, pools and resizes take (NCHW).</summary>
    private string ToConvLayout(ConversionScope scope, string value) => _nchw ? Activation(value) : Transpose(scope, value, ToNchw);

    /// <summary>A convolution's NCHW output as an activation of the graph's layout.</summary>
    private string FromConvLayout(ConversionScope scope, string value) => _nchw ? MarkActivation(value) : Transpose(scope, value, ToNhwc);

    private string CastTo(ConversionScope scope, string value, OnnxDataType type) =>
        TypeOf(value) == type ? value : Emit(scope, "Cast", new[] { value }, new[] { OnnxAttribute.Int("to", (long)type) }, type: type);

    private static OnnxDataType FromTf(string tfType) => tfType switch
    {
        "DT_FLOAT" => OnnxDataType.Float,
        "DT_INT32" => OnnxDataType.Int32,
        "DT_INT64" => OnnxDataType.Int64,
        "DT_BOOL" => OnnxDataType.Bool,
        _ => throw new NotSupportedException($"TF type {tfType} is not supported."),
    };

    private static OnnxDataType FromTfjs(string dtype) => dtype switch
    {
        "float32" => OnnxDataType.Float,
        "int32" => OnnxDataType.Int32,
        "bool" => OnnxDataType.Bool,
        _ => throw new NotSupportedException($"TFJS dtype {dtype} is not supported."),
    };
}

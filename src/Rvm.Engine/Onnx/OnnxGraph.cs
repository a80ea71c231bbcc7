using System;
using System.Collections.Generic;

namespace Rvm.Onnx;

/// <summary>A constant tensor (initializer or attribute value), stored as little-endian raw bytes.</summary>
internal sealed class OnnxTensor
{
    public OnnxTensor(string name, OnnxDataType dataType, long[] dims, byte[] rawData)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
        RawData = rawData;
    }

    public string Name { get; }
    public OnnxDataType DataType { get; }
    public long[] Dims { get; }
    public byte[] RawData { get; }

    public static OnnxTensor FromFloats(string name, long[] dims, float[] values) =>
        new OnnxTensor(name, OnnxDataType.Float, dims, ToBytes(values, 4));

    public static OnnxTensor FromInt32s(string name, long[] dims, int[] values) =>
        new OnnxTensor(name, OnnxDataType.Int32, dims, ToBytes(values, 4));

    public static OnnxTensor FromInt64s(string name, long[] dims, long[] values) =>
        new OnnxTensor(name, OnnxDataType.Int64, dims, ToBytes(values, 8));

    public static OnnxTensor FromBools(string name, long[] dims, bool[] values)
    {
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++) bytes[i] = values[i] ? (byte)1 : (byte)0;
        return new OnnxTensor(name, OnnxDataType.Bool, dims, bytes);
    }

    private static byte[] ToBytes(Array values, int elementSize)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian.");
        var bytes = new byte[values.Length * elementSize];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    public void WriteTo(ProtoWriter w)
    {
        w.WritePackedVarints(1, Dims);
        w.WriteVarint(2, (int)DataType);
        w.WriteString(8, Name);
        w.WriteBytes(9, RawData);
    }
}

/// <summary>A node attribute: int, float, string, ints, floats, tensor or graph.</summary>
internal sealed class OnnxAttribute
{
    private OnnxAttribute(string name, int type, object value)
    {
        Name = name;
        Type = type;
        Value = value;
    }

    public string Name { get; }
    public int Type { get; }
    public object Value { get; }

    public static OnnxAttribute Int(string name, long v) => new OnnxAttribute(name, 2, v);
    public static OnnxAttribute String(string name, string v) => new OnnxAttribute(name, 3, v);
    public static OnnxAttribute Graph(string name, OnnxGraph v) => new OnnxAttribute(name, 5, v);
    public static OnnxAttribute Ints(string name, params long[] v) => new OnnxAttribute(name, 7, v);

    public void WriteTo(ProtoWriter w)
    {
        w.WriteString(1, Name);
        switch (Value)
        {
            case long i: w.WriteVarint(3, i); break;
            case string s: w.WriteString(4, s); break;
            case OnnxGraph g: w.WriteMessage(6, g.WriteTo); break;
            case long[] ints: w.WritePackedVarints(8, ints); break;
            default: throw new InvalidOperationException($"Unsupported attribute value {Value.GetType()}.");
        }
        w.WriteVarint(20, Type);
    }
}

internal sealed class OnnxNode
{
    public OnnxNode(string opType, string name, string[] inputs, string[] outputs, OnnxAttribute[] attributes)
    {
        OpType = opType;
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
    }

    public string OpType { get; }
    public string Name { get; }
    public string[] Inputs { get; }
    public string[] Outputs { get; }
    public OnnxAttribute[] Attributes { get; }

    public void WriteTo(ProtoWriter w)
    {
        foreach (var i in Inputs) w.WriteString(1, i);
        foreach (var o in Outputs) w.WriteString(2, o);
        w.WriteString(3, Name);
        w.WriteString(4, OpType);
        foreach (var a in Attributes) w.WriteMessage(5, a.WriteTo);
    }
}

/// <summary>A graph input or output: a name, an element type and a shape whose dims are numbers or symbols.</summary>
internal sealed class OnnxValueInfo
{
    public OnnxValueInfo(string name, OnnxDataType elementType, object[]? shape)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
    }

    public string Name { get; }
    public OnnxDataType ElementType { get; }
    /// <summary>Each dim a long (fixed) or a string (symbolic); null for unknown rank.</summary>
    public object[]? Shape { get; }

    public void WriteTo(ProtoWriter w)
    {
        w.WriteString(1, Name);
        w.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteVarint(1, (int)ElementType);
            if (Shape is null) return;
            tensor.WriteMessage(2, shape =>
            {
                foreach (var d in Shape)
                    shape.WriteMessage(1, dim =>
                    {
                        if (d is string symbol) dim.WriteString(2, symbol);
                        else dim.WriteVarint(1, Convert.ToInt64(d));
                    });
            });
        }));
    }
}

internal sealed class OnnxGraph
{
    public OnnxGraph(string name) => Name = name;

    public string Name { get; }
    public List<OnnxNode> Nodes { get; } = new List<OnnxNode>();
    public List<OnnxTensor> Initializers { get; } = new List<OnnxTensor>();
    public List<OnnxValueInfo> Inputs { get; } = new List<OnnxValueInfo>();
    public List<OnnxValueInfo> Outputs { get; } = new List<OnnxValueInfo>();

    public void WriteTo(ProtoWriter w)
    {
        foreach (var n in Nodes) w.WriteMessage(1, n.WriteTo);
        w.WriteString(2, Name);
        foreach (var t in Initializers) w.WriteMessage(5, t.WriteTo);
        foreach (var i in Inputs) w.WriteMessage(11, i.WriteTo);
        foreach (var o in Outputs) w.WriteMessage(12, o.WriteTo);
    }
}

/// <summary>An ONNX ModelProto: one graph, the default opset, and string metadata.</summary>
internal sealed class OnnxModel
{
    public const int IrVersion = 8;
    public const int OpsetVersion = 17;

    public OnnxModel(OnnxGraph graph) => Graph = graph;

    public OnnxGraph Graph { get; }
    public string ProducerName { get; set; } = "Rvm";
    public string ProducerVersion { get; set; } = "";
    public string DocString { get; set; } = "";
    public Dictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    public byte[] ToBytes()
    {
        var w = new ProtoWriter();
        w.WriteVarint(1, IrVersion);
        w.WriteString(2, ProducerName);
        w.WriteString(3, ProducerVersion);
        if (DocString.Length > 0) w.WriteString(6, DocString);
        w.WriteMessage(7, Graph.WriteTo);
        w.WriteMessage(8, opset => opset.WriteVarint(2, OpsetVersion));
        foreach (var kv in Metadata)
            w.WriteMessage(14, e => { e.WriteString(1, kv.Key); e.WriteString(2, kv.Value); });
        return w.ToArray();
    }
}

using System;
using System.IO;
using System.Text;

namespace Rvm.Onnx;

/// <summary>
/// Writes the protobuf wire format, just enough of it for ONNX models. A hand-written writer keeps the
/// module free of generated code and of a protobuf runtime that would have to load in two PowerShell editions.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new MemoryStream();

    public byte[] ToArray() => _buffer.ToArray();

    public void WriteVarint(int field, long value)
    {
        WriteTag(field, 0);
        WriteRawVarint(unchecked((ulong)value));
    }

    public void WriteString(int field, string? value)
    {
        if (value is null) return;
        WriteBytes(field, Encoding.UTF8.GetBytes(value));
    }

    public void WriteBytes(int field, byte[] value)
    {
        WriteTag(field, 2);
        WriteRawVarint((ulong)value.Length);
        _buffer.Write(value, 0, value.Length);
    }

    public void WriteMessage(int field, Action<ProtoWriter> body)
    {
        var nested = new ProtoWriter();
        body(nested);
        WriteBytes(field, nested.ToArray());
    }

    /// <summary>Repeated int64 as one packed field (the proto3 default).</summary>
    public void WritePackedVarints(int field, long[] values)
    {
        if (values.Length == 0) return;
        var nested = new ProtoWriter();
        foreach (var v in values) nested.WriteRawVarint(unchecked((ulong)v));
        WriteBytes(field, nested.ToArray());
    }

    private void WriteTag(int field, int wireType) => WriteRawVarint((ulong)((field << 3) | wireType));

    private void WriteRawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}

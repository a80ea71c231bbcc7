using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Rvm.Inference;

/// <summary>
/// The recurrent state r1..r4 after one frame, in host memory: what a checkpoint saves and a resumed conversion
/// starts from (about 3 MB at 1080p and ratio 0.25). A session fills it by binding its state outputs here for one
/// run, so it works the same where the state otherwise lives on a GPU. Allocated once per conversion and reused.
/// </summary>
internal sealed class StateSnapshot : IDisposable
{
    private readonly float[][]? _single;
    private readonly Float16[][]? _half;
    private byte[]? _copyBuffer;

    public StateSnapshot(long[][] shapes, bool fp16)
    {
        if (shapes.Length != 4) throw new ArgumentException("RVM has four recurrent states.", nameof(shapes));
        Shapes = shapes;
        IsFp16 = fp16;
        Values = new OrtValue[4];
        if (fp16) _half = new Float16[4][];
        else _single = new float[4][];
        for (int i = 0; i < 4; i++)
        {
            long count = 1;
            foreach (var d in shapes[i]) count *= d;
            if (fp16) Values[i] = OrtValue.CreateTensorValueFromMemory(_half![i] = new Float16[count], shapes[i]);
            else Values[i] = OrtValue.CreateTensorValueFromMemory(_single![i] = new float[count], shapes[i]);
        }
    }

    public long[][] Shapes { get; }
    public bool IsFp16 { get; }
    internal OrtValue[] Values { get; }

    public long ByteCount
    {
        get
        {
            long bytes = 0;
            for (int i = 0; i < 4; i++) bytes += Bytes(i).Length;
            return bytes;
        }
    }

    private Span<byte> Bytes(int i) => IsFp16 ? MemoryMarshal.AsBytes(_half![i].AsSpan()) : MemoryMarshal.AsBytes(_single![i].AsSpan());

    /// <summary>Writes precision, shapes and the raw tensors.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(IsFp16);
        for (int i = 0; i < 4; i++)
        {
            writer.Write(Shapes[i].Length);
            foreach (var d in Shapes[i]) writer.Write(d);
            var bytes = Bytes(i);
            writer.Write(bytes.Length);
            // Through one small buffer, made once: BinaryWriter on netstandard2.0 takes arrays, not spans.
            var chunk = _copyBuffer ??= new byte[1 << 16];
            for (int done = 0; done < bytes.Length; done += chunk.Length)
            {
                int n = Math.Min(chunk.Length, bytes.Length - done);
                bytes.Slice(done, n).CopyTo(chunk);
                writer.Write(chunk, 0, n);
            }
        }
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote; throws <see cref="InvalidDataException"/> on anything that does not fit.</summary>
    public static StateSnapshot ReadFrom(BinaryReader reader)
    {
        bool fp16 = reader.ReadBoolean();
        var shapes = new long[4][];
        var data = new byte[4][];
        for (int i = 0; i < 4; i++)
        {
            int rank = reader.ReadInt32();
            if (rank != 4) throw new InvalidDataException($"A saved state has rank {rank}, not 4.");
            shapes[i] = new long[rank];
            long count = 1;
            for (int d = 0; d < rank; d++)
            {
                shapes[i][d] = reader.ReadInt64();
                if (shapes[i][d] <= 0 || shapes[i][d] > 1 << 16) throw new InvalidDataException("A saved state has an impossible shape.");
                count *= shapes[i][d];
            }
            int length = reader.ReadInt32();
            if (length != count * (fp16 ? 2 : 4)) throw new InvalidDataException("A saved state's size does not match its shape.");
            data[i] = reader.ReadBytes(length);
            if (data[i].Length != length) throw new InvalidDataException("A saved state ends early.");
        }
        var snapshot = new StateSnapshot(shapes, fp16);
        for (int i = 0; i < 4; i++) data[i].AsSpan().CopyTo(snapshot.Bytes(i));
        return snapshot;
    }

    public void Dispose()
    {
        foreach (var value in Values) value.Dispose();
    }
}

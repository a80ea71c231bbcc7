using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Rvm.Conversion;

/// <summary>
/// Decodes a TFJS weights manifest: the shards are one byte stream in manifest order, and quantised
/// weights are expanded exactly as TensorFlow.js does it (value = q * scale + min in double, stored as float32),
/// so the converted network computes with the same numbers as the reference.
/// </summary>
internal static class TfjsWeightDecoder
{
    public static Dictionary<string, TfjsTensor> Decode(JsonElement manifest, Func<string, byte[]> readShard)
    {
        var result = new Dictionary<string, TfjsTensor>(StringComparer.Ordinal);
        foreach (var group in manifest.EnumerateArray())
        {
            var data = ConcatShards(group.GetProperty("paths"), readShard);
            int offset = 0;
            foreach (var spec in group.GetProperty("weights").EnumerateArray())
            {
                var tensor = DecodeOne(spec, data, ref offset);
                result[tensor.Name] = tensor;
            }
            if (offset != data.Length)
                throw new InvalidDataException($"The weight shards hold {data.Length} bytes but the manifest describes {offset}.");
        }
        return result;
    }

    private static byte[] ConcatShards(JsonElement paths, Func<string, byte[]> readShard)
    {
        using var all = new MemoryStream();
        foreach (var p in paths.EnumerateArray())
        {
            var bytes = readShard(p.GetString() ?? throw new InvalidDataException("A weight shard path is null."));
            all.Write(bytes, 0, bytes.Length);
        }
        return all.ToArray();
    }

    private static TfjsTensor DecodeOne(JsonElement spec, byte[] data, ref int offset)
    {
        string name = spec.GetProperty("name").GetString()!;
        string dtype = spec.GetProperty("dtype").GetString()!;
        var shapeList = new List<int>();
        foreach (var d in spec.GetProperty("shape").EnumerateArray()) shapeList.Add(d.GetInt32());
        var shape = shapeList.ToArray();
        int count = 1;
        foreach (var d in shape) count *= d;

        if (spec.TryGetProperty("quantization", out var q))
        {
            string qtype = q.GetProperty("dtype").GetString()!;
            if (dtype != "float32") throw new NotSupportedException($"Weight '{name}': quantised {dtype} is not supported.");
            var values = new float[count];
            if (qtype == "uint8" || qtype == "uint16")
            {
                double scale = q.GetProperty("scale").GetDouble(), min = q.GetProperty("min").GetDouble();
                int size = qtype == "uint8" ? 1 : 2;
                Need(data, offset, count * size, name);
                for (int i = 0; i < count; i++)
                {
                    int v = size == 1 ? data[offset + i] : BitConverter.ToUInt16(data, offset + 2 * i);
                    values[i] = (float)(v * scale + min);
                }
                offset += count * size;
            }
            else if (qtype == "float16")
            {
                Need(data, offset, count * 2, name);
                for (int i = 0; i < count; i++) values[i] = HalfToSingle(BitConverter.ToUInt16(data, offset + 2 * i));
                offset += count * 2;
            }
            else throw new NotSupportedException($"Weight '{name}': quantisation '{qtype}' is not supported.");
            return new TfjsTensor(name, dtype, shape, values);
        }

        switch (dtype)
        {
            case "float32": return new TfjsTensor(name, dtype, shape, Raw<float>(data, ref offset, count, name));
            case "int32": return new TfjsTensor(name, dtype, shape, Raw<int>(data, ref offset, count, name));
            case "bool":
            {
                Need(data, offset, count, name);
                var values = new bool[count];
                for (int i = 0; i < count; i++) values[i] = data[offset + i] != 0;
                offset += count;
                return new TfjsTensor(name, dtype, shape, values);
            }
            default:
                throw new NotSupportedException($"Weight '{name}' has dtype '{dtype}', which the converter does not support.");
        }
    }

    /// <summary>Little-endian 4-byte values copied as they are.</summary>
    private static T[] Raw<T>(byte[] data, ref int offset, int count, string name) where T : struct
    {
        Need(data, offset, count * 4, name);
        var values = new T[count];
        Buffer.BlockCopy(data, offset, values, 0, count * 4);
        offset += count * 4;
        return values;
    }

    private static void Need(byte[] data, int offset, int size, string name)
    {
        if (offset + size > data.Length)
            throw new InvalidDataException($"The weight shards end before weight '{name}' (truncated download?).");
    }

    private static float HalfToSingle(ushort h)
    {
        int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
        float value = exp == 0 ? (float)(mant * Math.Pow(2, -24))
            : exp == 31 ? (mant == 0 ? float.PositiveInfinity : float.NaN)
            : (float)((1 + mant / 1024.0) * Math.Pow(2, exp - 15));
        return sign == 1 ? -value : value;
    }
}

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
        foreach (var d in spec.GetProperty("shape").EnumerateArray())
            shapeList.Add(d.TryGetInt32(out var n) && n >= 0 ? n : throw new InvalidDataException($"Weight '{name}' has the dimension {d.GetRawText()}, which is not a size."));
        var shape = shapeList.ToArray();
        int count = ElementCount(shape, data.Length, name);

        if (spec.TryGetProperty("quantization", out var q))
        {
            string qtype = q.GetProperty("dtype").GetString()!;
            if (dtype != "float32") throw new NotSupportedException($"Weight '{name}': quantised {dtype} is not supported.");
            var values = new float[count];
            if (qtype == "uint8" || qtype == "uint16")
            {
                double scale = q.GetProperty("scale").GetDouble(), min = q.GetProperty("min").GetDouble();
                int size = qtype == "uint8" ? 1 : 2;
                Need(data, offset, (long)count * size, name);
                for (int i = 0; i < count; i++)
                {
                    int v = size == 1 ? data[offset + i] : BitConverter.ToUInt16(data, offset + 2 * i);
                    values[i] = (float)(v * scale + min);
                }
                offset += count * size;
            }
            else if (qtype == "float16")
            {
                Need(data, offset, (long)count * 2, name);
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
        Need(data, offset, (long)count * 4, name);
        var values = new T[count];
        Buffer.BlockCopy(data, offset, values, 0, count * 4);
        offset += count * 4;
        return values;
    }

    /// <summary>
    /// The product of the dimensions in 64 bits, refused once it passes the shards' length: a spec such as
    /// [65536, 65536] would wrap to 0 in 32-bit arithmetic and be accepted with no bytes behind it.
    /// </summary>
    private static int ElementCount(int[] shape, long available, string name)
    {
        long count = 1;
        foreach (var d in shape)
        {
            // Both factors are at most 2^31 here, so the product cannot overflow 64 bits.
            count *= d;
            if (count > available)
                throw new InvalidDataException(
                    $"Weight '{name}' has shape [{string.Join(", ", shape)}], more elements than the {available:N0} bytes of its weight shards can hold.");
        }
        return (int)count;
    }

    private static void Need(byte[] data, int offset, long size, string name)
    {
        if (size > data.Length - (long)offset)
            throw new InvalidDataException(
                $"Weight '{name}' needs {size:N0} bytes from byte {offset:N0}, but the weight shards hold {data.Length:N0} bytes (truncated download?).");
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

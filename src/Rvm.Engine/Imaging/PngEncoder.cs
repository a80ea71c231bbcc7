using System;
using System.IO;
using System.IO.Compression;
using System.Text;
using Rvm.IO;

namespace Rvm.Imaging;

/// <summary>
/// Writes 8-bit PNGs (grey, RGB, RGBA). Small and dependency-free; files are written under a temporary name
/// and renamed when complete, so a failure never leaves half a picture behind.
/// </summary>
internal static class PngEncoder
{
    private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };
    private static readonly uint[] CrcTable = MakeCrcTable();

    public static void WriteGray8(string path, int width, int height, byte[] pixels) => Write(path, width, height, 0, 1, pixels);
    public static void WriteRgb8(string path, int width, int height, byte[] pixels) => Write(path, width, height, 2, 3, pixels);
    public static void WriteRgba8(string path, int width, int height, byte[] pixels) => Write(path, width, height, 6, 4, pixels);

    private static void Write(string path, int width, int height, byte colourType, int channels, byte[] pixels)
    {
        if (pixels.Length != (long)width * height * channels)
            throw new ArgumentException($"A {width}x{height} picture with {channels} channels needs {(long)width * height * channels} bytes.");
        var full = Path.GetFullPath(path);
        var temp = AtomicFile.TempNameFor(full);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                Encode(file, width, height, colourType, channels, pixels);
            AtomicFile.Commit(temp, full);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    public static void Encode(Stream output, int width, int height, byte colourType, int channels, byte[] pixels)
    {
        output.Write(Signature, 0, Signature.Length);
        var header = new byte[13];
        WriteBigEndian(header, 0, (uint)width);
        WriteBigEndian(header, 4, (uint)height);
        header[8] = 8; // bit depth
        header[9] = colourType;
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Compress(width, height, channels, pixels));
        WriteChunk(output, "IEND", Array.Empty<byte>());
    }

    /// <summary>zlib stream of the rows, each with filter type 0; Adler-32 computed over the filtered bytes.</summary>
    private static byte[] Compress(int width, int height, int channels, byte[] pixels)
    {
        int stride = width * channels;
        using var result = new MemoryStream();
        result.WriteByte(0x78);
        result.WriteByte(0x01);
        uint a = 1, b = 0;
        using (var deflate = new DeflateStream(result, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zero = new byte[1];
            for (int y = 0; y < height; y++)
            {
                deflate.Write(zero, 0, 1);
                b = (b + a) % 65521;
                deflate.Write(pixels, y * stride, stride);
                for (int i = y * stride, end = i + stride; i < end; i++)
                {
                    a = (a + pixels[i]) % 65521;
                    b = (b + a) % 65521;
                }
            }
        }
        var adler = new byte[4];
        WriteBigEndian(adler, 0, (b << 16) | a);
        result.Write(adler, 0, 4);
        return result.ToArray();
    }

    /// <summary>One chunk: length, type, data and CRC (PngText adds tEXt chunks with it).</summary>
    internal static void WriteChunk(Stream output, string type, byte[] data)
    {
        var length = new byte[4];
        WriteBigEndian(length, 0, (uint)data.Length);
        output.Write(length, 0, 4);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes, 0, 4);
        output.Write(data, 0, data.Length);
        uint crc = Crc(0xFFFFFFFF, typeBytes);
        crc = Crc(crc, data) ^ 0xFFFFFFFF;
        var crcBytes = new byte[4];
        WriteBigEndian(crcBytes, 0, crc);
        output.Write(crcBytes, 0, 4);
    }

    private static uint Crc(uint crc, byte[] data)
    {
        foreach (var d in data) crc = CrcTable[(crc ^ d) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    private static void WriteBigEndian(byte[] buffer, int offset, uint value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }
}

using System;
using System.IO;
using System.Text;

namespace Rvm.Imaging;

/// <summary>
/// A PNG's tEXt chunks, read and written here: ffmpeg's PNG encoder writes no metadata, and ffprobe reports tEXt as a
/// frame's tag rather than the file's, so Rvm's provenance tag on a picture it writes (a preview sheet) is put in and
/// read back by this class. Only the chunks before the image data are looked at, where writers put them.
/// </summary>
internal static class PngText
{
    private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };

    /// <summary>The text of the first tEXt chunk with <paramref name="keyword"/>; null when the file is not a PNG or has none.</summary>
    public static string? Read(string path, string keyword)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var header = new byte[8];
            if (!ReadAll(file, header, 8) || !StartsWithSignature(header)) return null;
            while (ReadAll(file, header, 8))
            {
                long length = (uint)(header[0] << 24 | header[1] << 16 | header[2] << 8 | header[3]);
                var type = Encoding.ASCII.GetString(header, 4, 4);
                if (type == "IDAT" || type == "IEND" || length > 1 << 20) return null;
                if (type != "tEXt")
                {
                    file.Seek(length + 4, SeekOrigin.Current);
                    continue;
                }
                var data = new byte[length];
                if (!ReadAll(file, data, (int)length)) return null;
                file.Seek(4, SeekOrigin.Current);
                int zero = Array.IndexOf(data, (byte)0);
                if (zero > 0 && Encoding.ASCII.GetString(data, 0, zero) == keyword)
                    return Encoding.UTF8.GetString(data, zero + 1, data.Length - zero - 1);
            }
            return null;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
    }

    /// <summary>The PNG with a tEXt chunk of <paramref name="keyword"/> and <paramref name="text"/> put right after its header chunk.</summary>
    public static byte[] WithText(byte[] png, string keyword, string text)
    {
        const int headerEnd = 8 + 4 + 4 + 13 + 4; // signature, then IHDR: length, type, 13 bytes of data, CRC
        if (png.Length < headerEnd || !StartsWithSignature(png) || Encoding.ASCII.GetString(png, 12, 4) != "IHDR")
            throw new InvalidDataException("Not a PNG with its header chunk first.");
        var data = new MemoryStream();
        var name = Encoding.ASCII.GetBytes(keyword);
        data.Write(name, 0, name.Length);
        data.WriteByte(0);
        var value = Encoding.UTF8.GetBytes(text);
        data.Write(value, 0, value.Length);
        var output = new MemoryStream(png.Length + (int)data.Length + 12);
        output.Write(png, 0, headerEnd);
        PngEncoder.WriteChunk(output, "tEXt", data.ToArray());
        output.Write(png, headerEnd, png.Length - headerEnd);
        return output.ToArray();
    }

    private static bool StartsWithSignature(byte[] bytes) => bytes.AsSpan(0, 8).SequenceEqual(Signature);

    private static bool ReadAll(Stream stream, byte[] buffer, int count)
    {
        int read = 0;
        while (read < count)
        {
            int n = stream.Read(buffer, read, count - read);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}

using System;
using System.IO;
using System.Text;

namespace Rvm.Media;

/// <summary>
/// Writes raw video frames with their own timestamps as a NUT stream (ffmpeg's native container), so the
/// encoding ffmpeg gets every frame at exactly the input's presentation time, in the input's own rational
/// time base: variable frame rates and odd time bases survive, which a raw pipe at a fixed rate cannot do.
/// Only what this needs: one video stream, one frame code, a syncpoint before each frame.
/// </summary>
internal sealed class NutWriter
{
    private const ulong MainStartcode = 0x4E4D7A561F5F04ADUL;
    private const ulong StreamStartcode = 0x4E5311405BF2F9DBUL;
    private const ulong SyncpointStartcode = 0x4E4BE4ADEECA4569UL;
    private const int MsbPtsShift = 7;
    // Frame flags: keyframe, full pts, stream id, size in the msb field, header checksum.
    private const int FrameFlags = 1 | 8 | 16 | 32 | 64;

    private readonly Stream _output;
    private readonly byte[] _frameHeader = new byte[64];
    private readonly byte[] _syncpoint = new byte[64];
    private readonly int _frameSize;

    /// <param name="fourcc">Raw pixel format tag as ffmpeg's NUT demuxer knows it (see <see cref="FourccOf"/>).</param>
    public NutWriter(Stream output, int width, int height, string fourcc, int bytesPerPixel, long timeBaseNum, long timeBaseDen)
    {
        _output = output;
        _frameSize = width * height * bytesPerPixel;
        var header = new MemoryStream();
        var text = Encoding.ASCII.GetBytes("nut/multimedia container\0");
        header.Write(text, 0, text.Length);
        WritePacket(header, MainStartcode, MainHeader(timeBaseNum, timeBaseDen));
        WritePacket(header, StreamStartcode, StreamHeader(width, height, fourcc));
        var bytes = header.ToArray();
        _output.Write(bytes, 0, bytes.Length);
    }

    public static string FourccOf(string pixelFormat) => pixelFormat switch
    {
        "rgb24" => "RGB\u0018",
        "rgba" => "RGBA",
        "gbrp" => "G3\u0000\u0008",
        "gbrap" => "G4\u0000\u0008",
        "gray" => "Y800",
        _ => throw new ArgumentException($"No NUT tag for pixel format {pixelFormat}."),
    };

    /// <summary>Writes one frame; <paramref name="pts"/> is in the time base given at construction and must not be negative.</summary>
    public void WriteFrame(long pts, byte[] pixels, int offset = 0)
    {
        if (pts < 0) throw new ArgumentOutOfRangeException(nameof(pts), "NUT frames here need a non-negative timestamp.");
        // Syncpoint: global_key_pts (t, one time base), back_ptr_div16 = 0 (this syncpoint), checksum.
        int n = 0;
        Put64(_syncpoint, ref n, SyncpointStartcode);
        var body = new byte[24];
        int b = 0;
        PutV(body, ref b, (ulong)pts);
        PutV(body, ref b, 0);
        PutV(_syncpoint, ref n, (ulong)(b + 4));
        Buffer.BlockCopy(body, 0, _syncpoint, n, b);
        n += b;
        Put32(_syncpoint, ref n, Crc.Compute(body, 0, b));
        _output.Write(_syncpoint, 0, n);

        int h = 0;
        _frameHeader[h++] = 0; // frame code 0: FrameFlags, stream from the field, size = msb * 1
        PutV(_frameHeader, ref h, 0);
        PutV(_frameHeader, ref h, (ulong)pts + (1UL << MsbPtsShift));
        PutV(_frameHeader, ref h, (ulong)_frameSize);
        Put32(_frameHeader, ref h, Crc.Compute(_frameHeader, 0, h));
        _output.Write(_frameHeader, 0, h);
        _output.Write(pixels, offset, _frameSize);
    }

    private static byte[] MainHeader(long timeBaseNum, long timeBaseDen)
    {
        var m = new MemoryStream();
        V(m, 3);               // version
        V(m, 1);               // stream_count
        V(m, 1 << 16);         // max_distance
        V(m, 1);               // time_base_count
        V(m, (ulong)timeBaseNum);
        V(m, (ulong)timeBaseDen);
        // One frame-code group covering all 255 codes ('N' is skipped by the reader).
        V(m, FrameFlags);      // tmp_flag
        V(m, 6);               // tmp_fields: pts, mul, stream, size, reserved, count
        V(m, 0);               // tmp_pts (signed 0 codes as 0)
        V(m, 1);               // tmp_mul
        V(m, 0);               // tmp_stream
        V(m, 0);               // tmp_size
        V(m, 0);               // tmp_res
        V(m, 255);             // count
        V(m, 0);               // header_count_minus1: only the empty elision header
        return m.ToArray();
    }

    private static byte[] StreamHeader(int width, int height, string fourcc)
    {
        var s = new MemoryStream();
        V(s, 0);               // stream_id
        V(s, 0);               // stream_class: video
        var tag = Encoding.GetEncoding("ISO-8859-1").GetBytes(fourcc);
        V(s, (ulong)tag.Length);
        s.Write(tag, 0, tag.Length);
        V(s, 0);               // time_base_id
        V(s, MsbPtsShift);
        V(s, 1UL << 40);       // max_pts_distance: frames carry checksums, so any gap is fine
        V(s, 0);               // decode_delay
        V(s, 0);               // stream_flags
        V(s, 0);               // codec_specific_data: none
        V(s, (ulong)width);
        V(s, (ulong)height);
        V(s, 0);               // sample aspect: unknown
        V(s, 0);
        V(s, 0);               // colorspace_type: unknown
        return s.ToArray();
    }

    private static void WritePacket(Stream output, ulong startcode, byte[] content)
    {
        var buffer = new byte[16];
        int n = 0;
        Put64(buffer, ref n, startcode);
        PutV(buffer, ref n, (ulong)(content.Length + 4));
        output.Write(buffer, 0, n);
        output.Write(content, 0, content.Length);
        n = 0;
        Put32(buffer, ref n, Crc.Compute(content, 0, content.Length));
        output.Write(buffer, 0, 4);
    }

    private static void V(Stream s, ulong value)
    {
        var buffer = new byte[10];
        int n = 0;
        PutV(buffer, ref n, value);
        s.Write(buffer, 0, n);
    }

    /// <summary>NUT's unsigned varint: big-endian groups of 7 bits, high bit set on all but the last.</summary>
    private static void PutV(byte[] buffer, ref int n, ulong value)
    {
        int groups = 1;
        while (groups < 10 && (value >> (7 * groups)) != 0) groups++;
        for (int g = groups - 1; g > 0; g--) buffer[n++] = (byte)(0x80 | ((value >> (7 * g)) & 0x7F));
        buffer[n++] = (byte)(value & 0x7F);
    }

    private static void Put64(byte[] buffer, ref int n, ulong value)
    {
        for (int i = 7; i >= 0; i--) buffer[n++] = (byte)(value >> (8 * i));
    }

    private static void Put32(byte[] buffer, ref int n, uint value)
    {
        for (int i = 3; i >= 0; i--) buffer[n++] = (byte)(value >> (8 * i));
    }

    /// <summary>CRC-32 with polynomial 0x04C11DB7, most significant bit first, starting at 0, as NUT specifies.</summary>
    private static class Crc
    {
        private static readonly uint[] Table = Make();

        public static uint Compute(byte[] data, int offset, int count)
        {
            uint crc = 0;
            for (int i = offset; i < offset + count; i++) crc = (crc << 8) ^ Table[(crc >> 24) ^ data[i]];
            return crc;
        }

        private static uint[] Make()
        {
            var table = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                uint c = i << 24;
                for (int k = 0; k < 8; k++) c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
                table[i] = c;
            }
            return table;
        }
    }
}

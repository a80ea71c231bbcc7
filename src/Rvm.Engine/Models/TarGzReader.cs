using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Rvm.Models;

/// <summary>Reads selected regular files out of a .tgz (ustar with pax path headers), as npm writes them.</summary>
internal static class TarGzReader
{
    /// <summary>Calls <paramref name="extract"/> with each wanted entry's name and content stream.</summary>
    public static void Extract(string archive, ICollection<string> wanted, Action<string, Stream, long> extract)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        var header = new byte[512];
        string? paxPath = null;
        while (ReadFull(gzip, header, 512))
        {
            if (IsZero(header)) break;
            string name = Text(header, 0, 100);
            string prefix = Text(header, 345, 155);
            if (prefix.Length > 0) name = prefix + "/" + name;
            long size = Octal(header, 124, 12);
            char type = (char)header[156];
            if (type == 'x')
            {
                paxPath = PaxPath(ReadBytes(gzip, size));
                Skip(gzip, Padding(size));
                continue;
            }
            if (paxPath != null) { name = paxPath; paxPath = null; }
            if ((type == '0' || type == '\0') && wanted.Contains(name))
            {
                using var entry = new SubStream(gzip, size);
                extract(name, entry, size);
                Skip(gzip, entry.Remaining);
            }
            else Skip(gzip, size);
            Skip(gzip, Padding(size));
        }
    }

    private static long Padding(long size) => (512 - size % 512) % 512;

    private static string? PaxPath(byte[] data)
    {
        // Records are "<len> key=value\n".
        foreach (var line in Encoding.UTF8.GetString(data).Split('\n'))
        {
            int space = line.IndexOf(' ');
            if (space > 0 && line.Substring(space + 1).StartsWith("path=", StringComparison.Ordinal))
                return line.Substring(space + 6);
        }
        return null;
    }

    private static string Text(byte[] b, int offset, int length)
    {
        int end = offset;
        while (end < offset + length && b[end] != 0) end++;
        return Encoding.UTF8.GetString(b, offset, end - offset);
    }

    private static long Octal(byte[] b, int offset, int length)
    {
        long value = 0;
        for (int i = offset; i < offset + length && b[i] != 0 && b[i] != ' '; i++) value = value * 8 + (b[i] - '0');
        return value;
    }

    private static bool IsZero(byte[] b)
    {
        foreach (var x in b) if (x != 0) return false;
        return true;
    }

    private static bool ReadFull(Stream s, byte[] buffer, int count)
    {
        int done = 0;
        while (done < count)
        {
            int n = s.Read(buffer, done, count - done);
            if (n == 0)
            {
                if (done == 0) return false;
                throw new InvalidDataException("The package archive is truncated.");
            }
            done += n;
        }
        return true;
    }

    private static byte[] ReadBytes(Stream s, long count)
    {
        var data = new byte[count];
        if (count > 0 && !ReadFull(s, data, (int)count)) throw new InvalidDataException("The package archive is truncated.");
        return data;
    }

    private static void Skip(Stream s, long count)
    {
        var buffer = new byte[8192];
        while (count > 0)
        {
            int n = s.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n == 0) throw new InvalidDataException("The package archive is truncated.");
            count -= n;
        }
    }

    /// <summary>A read-only window of the next bytes of the archive.</summary>
    private sealed class SubStream : Stream
    {
        private readonly Stream _inner;
        public SubStream(Stream inner, long length)
        {
            _inner = inner;
            Remaining = length;
        }

        public long Remaining { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Remaining == 0) return 0;
            int n = _inner.Read(buffer, offset, (int)Math.Min(count, Remaining));
            if (n == 0) throw new InvalidDataException("The package archive is truncated.");
            Remaining -= n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Rvm.Imaging;

namespace Rvm.Media;

/// <summary>
/// A folder of pictures as a video: files in natural order (2.png before 10.png), frame i at i / frame rate.
/// Every picture is scaled to the sequence's size, and delivered as planes G, B, R like <see cref="VideoFrameReader"/>'s planar frames.
/// </summary>
internal sealed class ImageSequenceReader : IFrameSource
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".exr", ".dpx", ".tga" };
    private readonly IReadOnlyList<string> _files;
    private int _next;

    public ImageSequenceReader(IReadOnlyList<string> files, int width, int height, Rational frameRate)
    {
        _files = files;
        Width = width;
        Height = height;
        TimeBase = new Rational(frameRate.Denominator, frameRate.Numerator);
    }

    public int Width { get; }
    public int Height { get; }
    public Rational TimeBase { get; }

    /// <summary>The pictures of a folder in natural order, or an error when it holds none.</summary>
    public static IReadOnlyList<string> FilesOf(string folder)
    {
        var files = Directory.GetFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal))
            .OrderBy(f => Path.GetFileName(f), NaturalComparer.Instance)
            .ToList();
        if (files.Count == 0) throw new InvalidDataException($"The folder '{folder}' holds no pictures ({string.Join(", ", Extensions)}).");
        return files;
    }

    public bool TryRead(byte[] buffer, out long pts)
    {
        pts = _next;
        if (_next >= _files.Count) return false;
        PlanarPixels.RgbToGbrPlanes(ImageFileReader.Read(_files[_next], _next, Width, Height).Pixels, buffer, Width * Height);
        _next++;
        return true;
    }

    public void Dispose() { }

    /// <summary>Compares names with their digit runs as numbers: frame2 before frame10.</summary>
    public sealed class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new NaturalComparer();
        private static readonly Regex Parts = new Regex(@"\d+|\D+", RegexOptions.Compiled);

        public int Compare(string? x, string? y)
        {
            var a = Parts.Matches(x ?? "");
            var b = Parts.Matches(y ?? "");
            for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
            {
                string p = a[i].Value, q = b[i].Value;
                int c;
                if (char.IsDigit(p[0]) && char.IsDigit(q[0]))
                {
                    string pt = p.TrimStart('0'), qt = q.TrimStart('0');
                    c = pt.Length != qt.Length ? pt.Length.CompareTo(qt.Length) : string.CompareOrdinal(pt, qt);
                    if (c == 0) c = p.Length.CompareTo(q.Length);
                }
                else c = string.Compare(p, q, StringComparison.OrdinalIgnoreCase);
                if (c != 0) return c;
            }
            return a.Count.CompareTo(b.Count);
        }
    }
}

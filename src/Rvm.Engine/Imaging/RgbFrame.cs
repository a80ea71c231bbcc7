using System;

namespace Rvm.Imaging;

/// <summary>One picture as packed 8-bit RGB (3 bytes a pixel, rows top to bottom), with where it came from.</summary>
public sealed class RgbFrame
{
    public RgbFrame(int width, int height, byte[] pixels, long index = 0, string? source = null, TimeSpan? timestamp = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"A frame must have a positive size, not {width}x{height}.");
        if (pixels.Length != (long)width * height * 3)
            throw new ArgumentException($"A {width}x{height} RGB frame needs {(long)width * height * 3} bytes, not {pixels.Length}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
        Index = index;
        Source = source;
        Timestamp = timestamp;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }
    public long Index { get; }
    /// <summary>The file the frame was read from, if any.</summary>
    public string? Source { get; }
    /// <summary>Presentation time in its video, if it came from one.</summary>
    public TimeSpan? Timestamp { get; }

    public override string ToString() => $"{Width}x{Height} frame {Index}{(Source != null ? " of " + Source : "")}";
}

using System;
using System.Collections.Generic;

namespace Rvm.Matting;

/// <summary>
/// Where everything lies on a preview sheet: one row per chosen frame, a label band above its tiles (frame number
/// and time), then the tiles side by side (input, matte, composition: whichever exist), all within a screen's width.
/// </summary>
internal sealed class PreviewSheetLayout
{
    /// <summary>Sheets fit a 1920-pixel screen side to side; rows scroll.</summary>
    public const int MaxWidth = 1920;
    public const int Gap = 8;
    /// <summary>Room for one line of the bitmap font at scale 2 (14 px) with 3 px above and below.</summary>
    public const int LabelHeight = 20;

    public PreviewSheetLayout(int sourceWidth, int sourceHeight, int columns, int rows)
    {
        if (sourceWidth <= 0 || sourceHeight <= 0) throw new ArgumentOutOfRangeException(nameof(sourceWidth), $"A video of {sourceWidth}x{sourceHeight} has no picture.");
        if (columns < 1 || rows < 1) throw new ArgumentOutOfRangeException(nameof(columns), "A sheet needs at least one row and one column.");
        Columns = columns;
        Rows = rows;
        // Never larger than the video; even sizes, which every ffmpeg scaler and pixel format takes.
        TileWidth = Even(Math.Min(sourceWidth, (MaxWidth - (columns + 1) * Gap) / columns));
        TileHeight = Even((int)Math.Round((double)TileWidth * sourceHeight / sourceWidth));
        Width = columns * TileWidth + (columns + 1) * Gap;
        Height = rows * (LabelHeight + TileHeight + Gap) + Gap;
    }

    public int Columns { get; }
    public int Rows { get; }
    public int TileWidth { get; }
    public int TileHeight { get; }
    public int Width { get; }
    public int Height { get; }

    public int TileX(int column) => Gap + column * (TileWidth + Gap);
    public int LabelY(int row) => Gap + row * (LabelHeight + TileHeight + Gap);
    public int TileY(int row) => LabelY(row) + LabelHeight;

    private static int Even(int value) => Math.Max(2, value & ~1);

    /// <summary>
    /// <paramref name="count"/> frame indices spread over <paramref name="frameCount"/> frames: the middle of each of
    /// <paramref name="count"/> equal parts, so neither the first frame (often black) nor the last is shown; every frame of a shorter video.
    /// </summary>
    public static IReadOnlyList<long> PickFrames(long frameCount, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "A sheet shows at least one frame.");
        var picks = new List<long>();
        if (frameCount <= 0) return picks;
        if (frameCount <= count)
        {
            for (long i = 0; i < frameCount; i++) picks.Add(i);
            return picks;
        }
        for (int i = 0; i < count; i++) picks.Add((2 * i + 1) * frameCount / (2L * count));
        return picks;
    }
}

namespace Rvm.Imaging;

/// <summary>
/// A 5x7 pixel font for the few characters a preview sheet's labels need (digits, '#', ':', '.', 's', space), drawn
/// into RGB24 pixels. Our own so labels need neither a font file on the machine nor an ffmpeg built with drawtext.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;

    /// <summary>Each glyph is 7 rows of 5 bits, the high bit leftmost.</summary>
    private static int[]? Glyph(char c) => c switch
    {
        '0' => new[] { 0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E },
        '1' => new[] { 0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E },
        '2' => new[] { 0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F },
        '3' => new[] { 0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E },
        '4' => new[] { 0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02 },
        '5' => new[] { 0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E },
        '6' => new[] { 0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E },
        '7' => new[] { 0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 },
        '8' => new[] { 0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E },
        '9' => new[] { 0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C },
        '#' => new[] { 0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A },
        ':' => new[] { 0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00 },
        '.' => new[] { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C },
        's' => new[] { 0x00, 0x00, 0x0E, 0x10, 0x0E, 0x01, 0x1E },
        _ => null,
    };

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/> (one blank column between glyphs).</summary>
    public static int Measure(string text, int scale) => text.Length * (GlyphWidth + 1) * scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y); what falls outside the picture is clipped, unknown characters are blank.</summary>
    public static void Draw(byte[] rgb, int width, int height, int x, int y, string text, int scale, byte r, byte g, byte b)
    {
        for (int i = 0; i < text.Length; i++)
        {
            var glyph = Glyph(text[i]);
            if (glyph == null) continue;
            int left = x + i * (GlyphWidth + 1) * scale;
            for (int row = 0; row < GlyphHeight * scale; row++)
            for (int col = 0; col < GlyphWidth * scale; col++)
            {
                if ((glyph[row / scale] & (0x10 >> (col / scale))) == 0) continue;
                int px = left + col, py = y + row;
                if (px < 0 || py < 0 || px >= width || py >= height) continue;
                int o = (py * width + px) * 3;
                rgb[o] = r;
                rgb[o + 1] = g;
                rgb[o + 2] = b;
            }
        }
    }
}

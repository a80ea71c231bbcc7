using System;
using System.Collections.Generic;
using System.Globalization;

namespace Rvm.Imaging;

/// <summary>An 8-bit RGB colour, parsed from a name, "#rrggbb" or "r,g,b".</summary>
public readonly struct RgbColor : IEquatable<RgbColor>
{
    public RgbColor(byte red, byte green, byte blue)
    {
        Red = red;
        Green = green;
        Blue = blue;
    }

    public byte Red { get; }
    public byte Green { get; }
    public byte Blue { get; }

    /// <summary>RVM's own default background, a light green.</summary>
    public static RgbColor RvmGreen { get; } = new RgbColor(120, 255, 155);

    public static readonly IReadOnlyDictionary<string, RgbColor> Names = new Dictionary<string, RgbColor>(StringComparer.OrdinalIgnoreCase)
    {
        ["RvmGreen"] = RvmGreen,
        ["Black"] = new RgbColor(0, 0, 0),
        ["White"] = new RgbColor(255, 255, 255),
        ["Gray"] = new RgbColor(128, 128, 128),
        ["Red"] = new RgbColor(255, 0, 0),
        ["Green"] = new RgbColor(0, 255, 0),
        ["Blue"] = new RgbColor(0, 0, 255),
        ["ChromaGreen"] = new RgbColor(0, 177, 64),
        ["ChromaBlue"] = new RgbColor(0, 71, 187),
        ["Magenta"] = new RgbColor(255, 0, 255),
        ["Yellow"] = new RgbColor(255, 255, 0),
        ["Cyan"] = new RgbColor(0, 255, 255),
    };

    public static RgbColor Parse(string text)
    {
        if (TryParse(text, out var colour)) return colour;
        throw new FormatException($"'{text}' is not a colour: use a name ({string.Join(", ", Names.Keys)}), '#rrggbb' or 'r,g,b'.");
    }

    public static bool TryParse(string? text, out RgbColor colour)
    {
        colour = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text!.Trim();
        if (Names.TryGetValue(t, out colour)) return true;
        if (t.StartsWith("#", StringComparison.Ordinal) && t.Length == 7 &&
            int.TryParse(t.Substring(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
        {
            colour = new RgbColor((byte)(hex >> 16), (byte)(hex >> 8), (byte)hex);
            return true;
        }
        var parts = t.Split(',');
        if (parts.Length == 3 && byte.TryParse(parts[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) &&
            byte.TryParse(parts[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) &&
            byte.TryParse(parts[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var b))
        {
            colour = new RgbColor(r, g, b);
            return true;
        }
        return false;
    }

    public bool Equals(RgbColor other) => Red == other.Red && Green == other.Green && Blue == other.Blue;
    public override bool Equals(object? obj) => obj is RgbColor c && Equals(c);
    public override int GetHashCode() => (Red << 16) | (Green << 8) | Blue;
    public override string ToString() => $"#{Red:x2}{Green:x2}{Blue:x2}";
}

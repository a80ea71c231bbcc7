using System;
using System.Globalization;

namespace Rvm.Media;

/// <summary>An exact ratio such as a frame rate (30000/1001) or a time base (1/90000).</summary>
public readonly struct Rational : IEquatable<Rational>
{
    public Rational(long numerator, long denominator)
    {
        Numerator = numerator;
        Denominator = denominator;
    }

    public long Numerator { get; }
    public long Denominator { get; }
    public bool IsValid => Numerator > 0 && Denominator > 0;
    public double Value => Denominator == 0 ? 0 : (double)Numerator / Denominator;

    /// <summary>Parses "30000/1001", "25" or "29.97" (ffprobe's forms); invalid text gives 0/0.</summary>
    public static Rational Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return default;
        var parts = text!.Split('/');
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) &&
            long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var d))
            return new Rational(n, d);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)) return new Rational(whole, 1);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && real > 0)
            return new Rational((long)Math.Round(real * 1000), 1000);
        return default;
    }

    public bool Equals(Rational other) => Numerator * other.Denominator == other.Numerator * Denominator;
    public override bool Equals(object? obj) => obj is Rational r && Equals(r);
    public override int GetHashCode() => Value.GetHashCode();
    public override string ToString() => Denominator == 1 ? Numerator.ToString(CultureInfo.InvariantCulture) : $"{Numerator}/{Denominator}";
}

using System;
using System.Globalization;

namespace Rvm.Media;

/// <summary>A frame rate given by the user (-FrameRate of a picture folder), checked before it reaches ffmpeg.</summary>
internal static class FrameRateParameter
{
    /// <summary>The fastest rate taken: far above any real footage, far below where ffmpeg's time bases overflow.</summary>
    public const double MaximumFramesPerSecond = 1000;

    /// <summary>Parses "30", "29.97" or "30000/1001"; anything else, or a rate outside (0, 1000] fps, is an ArgumentException.</summary>
    public static Rational Parse(string? text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !(number > 0 && number <= MaximumFramesPerSecond))
            throw OutOfRange(text);
        var rate = Rational.Parse(text);
        if (!rate.IsValid)
            throw new ArgumentException($"-FrameRate '{text}' is not a frame rate (e.g. 30 or 30000/1001).");
        // ffmpeg holds rates and time bases as 32-bit fractions: 1e30 parsed to 2^63/1000 and came back as a time-base error.
        if (rate.Value > MaximumFramesPerSecond || rate.Numerator > int.MaxValue || rate.Denominator > int.MaxValue)
            throw OutOfRange(text);
        return rate;
    }

    private static ArgumentException OutOfRange(string? text) => new ArgumentException(
        $"-FrameRate '{text}' is out of range: give a rate above 0 and at most {MaximumFramesPerSecond} frames a second (e.g. 30 or 30000/1001).");
}

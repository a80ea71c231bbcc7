using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Rvm.Imaging;
using Rvm.Matting;
using Rvm.Media;

namespace Rvm.Batch;

/// <summary>
/// A conversion request, the output policy and the model's identity as JSON and back, property by property, so a
/// worker on another machine runs exactly what was planned. Written by hand: the engine's types have no public
/// setters for a serialiser to use, and a new property must be added here (the round-trip test fails otherwise).
/// </summary>
internal static class PlanJson
{
    public static void WriteRequest(Utf8JsonWriter w, ConversionRequest r)
    {
        w.WriteStartObject();
        w.WriteString("Input", r.Input);
        w.WriteString("CompositionPath", r.CompositionPath);
        w.WriteString("AlphaPath", r.AlphaPath);
        w.WriteString("ForegroundPath", r.ForegroundPath);
        w.WriteBoolean("PngSequence", r.PngSequence);
        w.WritePropertyName("Background");
        w.WriteStartObject();
        w.WriteString("Kind", r.Background.Kind.ToString());
        w.WriteString("Colour", $"{r.Background.Colour.Red},{r.Background.Colour.Green},{r.Background.Colour.Blue}");
        w.WriteString("Path", r.Background.Path);
        w.WriteEndObject();
        WriteNullable(w, "BlurRadius", r.BlurRadius);
        WriteNullable(w, "DownsampleRatio", r.DownsampleRatio);
        w.WriteNumber("ResizeWidth", r.ResizeWidth);
        w.WriteNumber("ResizeHeight", r.ResizeHeight);
        w.WriteString("ImageSequenceFrameRate", $"{r.ImageSequenceFrameRate.Numerator}/{r.ImageSequenceFrameRate.Denominator}");
        WriteNullable(w, "VideoBitrateMbps", r.VideoBitrateMbps);
        WriteNullable(w, "Quality", r.Quality);
        w.WriteBoolean("HardwareVideo", r.HardwareVideo);
        w.WriteString("ErrorTolerance", r.ErrorTolerance.ToString());
        WriteNullable(w, "MaxMemoryBytes", r.MaxMemoryBytes);
        WriteNullable(w, "CheckpointFrames", r.CheckpointFrames);
        w.WriteNumber("Segments", r.Segments);
        WriteNullable(w, "PreRollFrames", r.PreRollFrames);
        WriteNullable(w, "SegmentLengthSeconds", r.SegmentLength?.TotalSeconds);
        w.WritePropertyName("Matte");
        w.WriteStartObject();
        w.WriteNumber("Grow", r.Matte.Grow);
        w.WriteNumber("Feather", r.Matte.Feather);
        w.WriteNumber("ThresholdLow", r.Matte.ThresholdLow);
        w.WriteNumber("ThresholdHigh", r.Matte.ThresholdHigh);
        w.WriteNumber("TemporalSmoothing", r.Matte.TemporalSmoothing);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static ConversionRequest ReadRequest(JsonElement e)
    {
        var bg = e.GetProperty("Background");
        var kind = Enum<BackgroundKind>(bg, "Kind");
        var rate = e.GetProperty("ImageSequenceFrameRate").GetString()!.Split('/');
        return new ConversionRequest
        {
            Input = e.GetProperty("Input").GetString()!,
            CompositionPath = e.GetProperty("CompositionPath").GetString(),
            AlphaPath = e.GetProperty("AlphaPath").GetString(),
            ForegroundPath = e.GetProperty("ForegroundPath").GetString(),
            PngSequence = e.GetProperty("PngSequence").GetBoolean(),
            Background = kind switch
            {
                BackgroundKind.Transparent => Background.Transparent,
                BackgroundKind.Blur => Background.Blur,
                BackgroundKind.Colour => Background.OfColour(ParseColour(bg.GetProperty("Colour").GetString()!)),
                _ => Background.OfFile(bg.GetProperty("Path").GetString()!),
            },
            BlurRadius = Nullable(e, "BlurRadius", p => p.GetInt32()),
            DownsampleRatio = Nullable(e, "DownsampleRatio", p => p.GetSingle()),
            ResizeWidth = e.GetProperty("ResizeWidth").GetInt32(),
            ResizeHeight = e.GetProperty("ResizeHeight").GetInt32(),
            ImageSequenceFrameRate = new Rational(long.Parse(rate[0], CultureInfo.InvariantCulture), long.Parse(rate[1], CultureInfo.InvariantCulture)),
            VideoBitrateMbps = Nullable(e, "VideoBitrateMbps", p => p.GetDouble()),
            Quality = Nullable(e, "Quality", p => p.GetInt32()),
            HardwareVideo = e.GetProperty("HardwareVideo").GetBoolean(),
            ErrorTolerance = Enum<DecodeErrorTolerance>(e, "ErrorTolerance"),
            MaxMemoryBytes = Nullable(e, "MaxMemoryBytes", p => p.GetInt64()),
            CheckpointFrames = Nullable(e, "CheckpointFrames", p => p.GetInt32()),
            Segments = e.GetProperty("Segments").GetInt32(),
            PreRollFrames = Nullable(e, "PreRollFrames", p => p.GetInt32()),
            SegmentLength = Nullable(e, "SegmentLengthSeconds", p => TimeSpan.FromSeconds(p.GetDouble())),
            Matte = ReadMatte(e.GetProperty("Matte")),
        };
    }

    private static MatteControls ReadMatte(JsonElement m) => new MatteControls
    {
        Grow = m.GetProperty("Grow").GetInt32(),
        Feather = m.GetProperty("Feather").GetInt32(),
        ThresholdLow = m.GetProperty("ThresholdLow").GetSingle(),
        ThresholdHigh = m.GetProperty("ThresholdHigh").GetSingle(),
        TemporalSmoothing = m.GetProperty("TemporalSmoothing").GetSingle(),
    };

    public static void WritePolicy(Utf8JsonWriter w, OutputPolicy p)
    {
        w.WriteStartObject();
        w.WriteBoolean("Force", p.Force);
        w.WriteBoolean("SkipExisting", p.SkipExisting);
        w.WriteBoolean("ExplicitPaths", p.ExplicitPaths);
        w.WriteBoolean("IncludeRvmOutputs", p.IncludeRvmOutputs);
        w.WriteBoolean("StartOver", p.StartOver);
        w.WriteEndObject();
    }

    public static OutputPolicy ReadPolicy(JsonElement e) => new OutputPolicy
    {
        Force = e.GetProperty("Force").GetBoolean(),
        SkipExisting = e.GetProperty("SkipExisting").GetBoolean(),
        ExplicitPaths = e.GetProperty("ExplicitPaths").GetBoolean(),
        IncludeRvmOutputs = e.GetProperty("IncludeRvmOutputs").GetBoolean(),
        StartOver = e.GetProperty("StartOver").GetBoolean(),
    };

    public static void WriteModel(Utf8JsonWriter w, ModelIdentity m)
    {
        w.WriteStartObject();
        w.WriteString("Variant", m.Variant.ToString());
        w.WriteString("Precision", m.Precision.ToString());
        w.WriteString("Source", m.Source);
        w.WriteString("Sha256", m.Sha256);
        w.WriteString("Path", m.Path);
        w.WriteString("Device", m.Device);
        w.WriteEndObject();
    }

    public static ModelIdentity ReadModel(JsonElement e) => new ModelIdentity
    {
        Variant = Enum<Models.RvmVariant>(e, "Variant"),
        Precision = Enum<Models.RvmPrecision>(e, "Precision"),
        Source = e.GetProperty("Source").GetString()!,
        Sha256 = e.GetProperty("Sha256").GetString()!,
        Path = e.GetProperty("Path").GetString(),
        Device = e.GetProperty("Device").GetString()!,
    };

    private static RgbColor ParseColour(string text)
    {
        var parts = text.Split(',');
        return new RgbColor(byte.Parse(parts[0], CultureInfo.InvariantCulture), byte.Parse(parts[1], CultureInfo.InvariantCulture), byte.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static T Enum<T>(JsonElement e, string name) where T : struct =>
        System.Enum.TryParse<T>(e.GetProperty(name).GetString(), out var value) ? value
            : throw new InvalidDataException($"'{e.GetProperty(name).GetString()}' is not a {typeof(T).Name} ({name}).");

    private static T? Nullable<T>(JsonElement e, string name, Func<JsonElement, T> read) where T : struct
    {
        var p = e.GetProperty(name);
        return p.ValueKind == JsonValueKind.Null ? (T?)null : read(p);
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, float? value) { if (value.HasValue) w.WriteNumber(name, value.Value); else w.WriteNull(name); }
    private static void WriteNullable(Utf8JsonWriter w, string name, double? value) { if (value.HasValue) w.WriteNumber(name, value.Value); else w.WriteNull(name); }
    private static void WriteNullable(Utf8JsonWriter w, string name, long? value) { if (value.HasValue) w.WriteNumber(name, value.Value); else w.WriteNull(name); }
    private static void WriteNullable(Utf8JsonWriter w, string name, int? value) { if (value.HasValue) w.WriteNumber(name, value.Value); else w.WriteNull(name); }
}

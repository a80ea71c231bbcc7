using System;
using System.IO;
using System.Text;
using System.Text.Json;
using Rvm.Matting;

namespace Rvm.Batch;

/// <summary>results/&lt;index&gt;.json: what one task did, on which host, in how long: its conversion result, or its error.</summary>
internal sealed class BatchTaskResult
{
    public int Index { get; set; }
    public string Input { get; set; } = "";
    public string Host { get; set; } = "";
    public double ElapsedSeconds { get; set; }
    /// <summary>The outputs were complete already (a retry, or a batch started again).</summary>
    public bool Skipped { get; set; }
    public RvmConversionResult? Result { get; set; }
    /// <summary>Why the task failed; null when it succeeded.</summary>
    public string? Error { get; set; }
    public bool Succeeded => Error == null;

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("Index", Index);
            w.WriteString("Input", Input);
            w.WriteString("Host", Host);
            w.WriteNumber("ElapsedSeconds", ElapsedSeconds);
            w.WriteBoolean("Skipped", Skipped);
            w.WriteString("Error", Error);
            if (Result is RvmConversionResult r)
            {
                w.WriteStartObject("Result");
                w.WriteString("CompositionPath", r.CompositionPath);
                w.WriteString("AlphaPath", r.AlphaPath);
                w.WriteString("ForegroundPath", r.ForegroundPath);
                w.WriteNumber("FrameCount", r.FrameCount);
                w.WriteNumber("DamagedFrames", r.DamagedFrames);
                w.WriteNumber("Width", r.Width);
                w.WriteNumber("Height", r.Height);
                w.WriteString("FrameRate", r.FrameRate);
                w.WriteNumber("DurationSeconds", r.Duration.TotalSeconds);
                w.WriteNumber("ElapsedSeconds", r.Elapsed.TotalSeconds);
                w.WriteNumber("FramesPerSecond", r.FramesPerSecond);
                w.WriteString("Device", r.Device);
                w.WriteNumber("DownsampleRatio", r.DownsampleRatio);
                w.WriteNumber("ResumedAtFrame", r.ResumedAtFrame);
                w.WriteNumber("Segments", r.Segments);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static BatchTaskResult FromJson(string json, string nameForErrors)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var e = doc.RootElement;
            var task = new BatchTaskResult
            {
                Index = e.GetProperty("Index").GetInt32(),
                Input = e.GetProperty("Input").GetString()!,
                Host = e.GetProperty("Host").GetString()!,
                ElapsedSeconds = e.GetProperty("ElapsedSeconds").GetDouble(),
                Skipped = e.GetProperty("Skipped").GetBoolean(),
                Error = e.GetProperty("Error").GetString(),
            };
            if (e.TryGetProperty("Result", out var r))
                task.Result = new RvmConversionResult
                {
                    Input = task.Input,
                    CompositionPath = r.GetProperty("CompositionPath").GetString(),
                    AlphaPath = r.GetProperty("AlphaPath").GetString(),
                    ForegroundPath = r.GetProperty("ForegroundPath").GetString(),
                    FrameCount = r.GetProperty("FrameCount").GetInt64(),
                    DamagedFrames = r.GetProperty("DamagedFrames").GetInt64(),
                    Width = r.GetProperty("Width").GetInt32(),
                    Height = r.GetProperty("Height").GetInt32(),
                    FrameRate = r.GetProperty("FrameRate").GetString()!,
                    Duration = TimeSpan.FromSeconds(r.GetProperty("DurationSeconds").GetDouble()),
                    Elapsed = TimeSpan.FromSeconds(r.GetProperty("ElapsedSeconds").GetDouble()),
                    FramesPerSecond = r.GetProperty("FramesPerSecond").GetDouble(),
                    Device = r.GetProperty("Device").GetString()!,
                    DownsampleRatio = r.GetProperty("DownsampleRatio").GetSingle(),
                    ResumedAtFrame = r.GetProperty("ResumedAtFrame").GetInt64(),
                    Segments = r.GetProperty("Segments").GetInt32(),
                };
            return task;
        }
        catch (Exception e) when (e is JsonException || e is System.Collections.Generic.KeyNotFoundException || e is InvalidOperationException)
        {
            throw new InvalidDataException($"The task result '{nameForErrors}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>One task's result, or null when it has none (or one that cannot be read).</summary>
    public static BatchTaskResult? TryRead(BatchFolder folder, int index)
    {
        var file = folder.ResultPath(index);
        try { return File.Exists(file) ? FromJson(File.ReadAllText(file), file) : null; }
        catch (Exception e) when (e is InvalidDataException || e is IOException) { return null; }
    }

    /// <summary>Every result in the folder; one that cannot be read counts as not there (the task runs again).</summary>
    public static System.Collections.Generic.Dictionary<int, BatchTaskResult> ReadAll(BatchFolder folder)
    {
        var all = new System.Collections.Generic.Dictionary<int, BatchTaskResult>();
        if (!Directory.Exists(folder.ResultsFolder)) return all;
        foreach (var file in Directory.GetFiles(folder.ResultsFolder, "*.json"))
        {
            try
            {
                var r = FromJson(File.ReadAllText(file), file);
                all[r.Index] = r;
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException) { }
        }
        return all;
    }
}

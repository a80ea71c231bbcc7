using Rvm.IO;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Rvm.Batch;

/// <summary>
/// plan.json: the tasks of a batch and what a worker needs to run them the way the creating machine would: the
/// model's identity, and the PowerShell and module (path and version) to start.
/// </summary>
internal sealed class BatchPlan
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N").Substring(0, 12);
    public string Destination { get; set; } = "";
    /// <summary>The module's version; a worker with another one refuses the task.</summary>
    public string ModuleVersion { get; set; } = ThisModuleVersion;
    /// <summary>The module manifest (Rvm.psd1) the worker imports.</summary>
    public string ModulePath { get; set; } = "";
    /// <summary>The command that starts PowerShell: pwsh, or dotnet and pwsh.dll.</summary>
    public IReadOnlyList<string> PowerShell { get; set; } = new[] { "pwsh" };
    public ModelIdentity Model { get; set; } = new ModelIdentity();
    /// <summary>New-RvmBatch -Preview: each task writes a preview sheet of this many frames beside its outputs; null: none.</summary>
    public int? PreviewFrames { get; set; }
    public List<PlanEntry> Entries { get; } = new List<PlanEntry>();

    public static string ThisModuleVersion => typeof(BatchPlan).Assembly.GetName().Version!.ToString(3);

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("Id", Id);
            w.WriteString("Destination", Destination);
            w.WriteString("ModuleVersion", ModuleVersion);
            w.WriteString("ModulePath", ModulePath);
            w.WriteStartArray("PowerShell");
            foreach (var part in PowerShell) w.WriteStringValue(part);
            w.WriteEndArray();
            w.WritePropertyName("Model");
            PlanJson.WriteModel(w, Model);
            if (PreviewFrames is int frames) w.WriteNumber("PreviewFrames", frames);
            else w.WriteNull("PreviewFrames");
            w.WriteStartArray("Entries");
            foreach (var entry in Entries)
            {
                w.WriteStartObject();
                w.WriteNumber("Index", entry.Index);
                w.WritePropertyName("Request");
                PlanJson.WriteRequest(w, entry.Request);
                w.WritePropertyName("Policy");
                PlanJson.WritePolicy(w, entry.Policy);
                if (entry.Part is int part) w.WriteNumber("Part", part);
                if (entry.JoinEntry is int join) w.WriteNumber("JoinEntry", join);
                if (entry.PartEntries != null)
                {
                    w.WriteStartArray("PartEntries");
                    foreach (var i in entry.PartEntries) w.WriteNumberValue(i);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static BatchPlan FromJson(string json, string nameForErrors)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var plan = new BatchPlan
            {
                Id = root.GetProperty("Id").GetString()!,
                Destination = root.GetProperty("Destination").GetString()!,
                ModuleVersion = root.GetProperty("ModuleVersion").GetString()!,
                ModulePath = root.GetProperty("ModulePath").GetString()!,
                PowerShell = root.GetProperty("PowerShell").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                Model = PlanJson.ReadModel(root.GetProperty("Model")),
                PreviewFrames = root.GetProperty("PreviewFrames") is { ValueKind: JsonValueKind.Number } frames ? frames.GetInt32() : (int?)null,
            };
            foreach (var e in root.GetProperty("Entries").EnumerateArray())
                plan.Entries.Add(new PlanEntry(e.GetProperty("Index").GetInt32(), PlanJson.ReadRequest(e.GetProperty("Request")), PlanJson.ReadPolicy(e.GetProperty("Policy")),
                    e.TryGetProperty("Part", out var part) ? part.GetInt32() : (int?)null,
                    e.TryGetProperty("JoinEntry", out var join) ? join.GetInt32() : (int?)null,
                    e.TryGetProperty("PartEntries", out var parts) ? parts.EnumerateArray().Select(p => p.GetInt32()).ToArray() : null));
            return plan;
        }
        catch (Exception e) when (e is JsonException || e is KeyNotFoundException || e is InvalidOperationException || e is FormatException)
        {
            throw new InvalidDataException($"The batch plan '{nameForErrors}' is not a plan this version of Rvm can read: {e.Message}", e);
        }
    }

    public void Save(BatchFolder folder) => AtomicFile.WriteAllText(folder.PlanPath, ToJson());

    public static BatchPlan Load(BatchFolder folder)
    {
        if (!File.Exists(folder.PlanPath)) throw new FileNotFoundException($"'{folder.Path}' is not a batch job folder: it has no plan.json.", folder.PlanPath);
        return FromJson(File.ReadAllText(folder.PlanPath), folder.PlanPath);
    }
}

using Rvm.IO;
using System.IO;
using System.Text.Json;

namespace Rvm.Batch;

/// <summary>engine.json: the engine a batch was last started on and the id it gave, for Get-RvmBatch to ask it.</summary>
internal sealed class EngineState
{
    public string Engine { get; set; } = "";
    public string JobId { get; set; } = "";

    public void Save(BatchFolder folder) =>
        AtomicFile.WriteAllText(folder.EnginePath, JsonSerializer.Serialize(new { Engine, JobId }));

    public static EngineState? Load(BatchFolder folder)
    {
        if (!File.Exists(folder.EnginePath)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(folder.EnginePath));
            return new EngineState { Engine = doc.RootElement.GetProperty("Engine").GetString()!, JobId = doc.RootElement.GetProperty("JobId").GetString()! };
        }
        catch (JsonException) { return null; }
        catch (System.Collections.Generic.KeyNotFoundException) { return null; }
    }
}

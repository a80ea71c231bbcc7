using Rvm.IO;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Rvm.Batch;

/// <summary>engine.json: the engine a batch was last started on and the id it gave, for Get-RvmBatch to ask it.</summary>
internal sealed class EngineState
{
    public string Engine { get; set; } = "";
    public string JobId { get; set; } = "";
    /// <summary>Slurm: the jobs that join long videos' parts, each waiting for its parts (--dependency=afterok).</summary>
    public string[] JoinJobIds { get; set; } = System.Array.Empty<string>();

    /// <summary>Every job id of the batch: the array and its joins.</summary>
    public System.Collections.Generic.IEnumerable<string> AllJobIds => new[] { JobId }.Concat(JoinJobIds);

    public void Save(BatchFolder folder) =>
        AtomicFile.WriteAllText(folder.EnginePath, JsonSerializer.Serialize(new { Engine, JobId, JoinJobIds }));

    public static EngineState? Load(BatchFolder folder)
    {
        if (!File.Exists(folder.EnginePath)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(folder.EnginePath));
            var root = doc.RootElement;
            return new EngineState
            {
                Engine = root.GetProperty("Engine").GetString()!,
                JobId = root.GetProperty("JobId").GetString()!,
                JoinJobIds = root.TryGetProperty("JoinJobIds", out var joins) ? joins.EnumerateArray().Select(j => j.GetString()!).ToArray() : System.Array.Empty<string>(),
            };
        }
        catch (JsonException) { return null; }
        catch (System.Collections.Generic.KeyNotFoundException) { return null; }
    }
}

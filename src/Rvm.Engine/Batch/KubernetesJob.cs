using Rvm.IO;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Rvm.Batch;

/// <summary>
/// A batch as a Kubernetes Indexed Job (batch/v1): one pod per index, JOB_COMPLETION_INDEX picking the task,
/// Throttle pods at once, each index retried on its own (backoffLimitPerIndex). The worker image has the module
/// installed (deploy/Containerfile); the shared storage is one PersistentVolumeClaim mounted at the same path the
/// plan's files have here, so the plan's absolute paths hold in every pod.
/// </summary>
internal static class KubernetesJob
{
    public const string Name = "Kubernetes";
    public const int RetriesPerIndex = 2;

    public static string YamlPath(BatchFolder folder) => Path.Combine(folder.KubernetesFolder, "job.yaml");

    public static string JobName(BatchPlan plan) => $"rvm-{plan.Id}";

    /// <param name="image">The worker image (deploy/Containerfile).</param>
    /// <param name="claim">The PersistentVolumeClaim of the shared storage.</param>
    public static string Yaml(BatchPlan plan, BatchFolder folder, int throttle, string image, string claim)
    {
        var mount = SharedRoot(plan, folder);
        var command = WorkerCommand.Arguments(new[] { "pwsh" }, WorkerCommand.ScriptWithInstalledModule(plan, folder));
        var y = new StringBuilder();
        y.Append("apiVersion: batch/v1\n");
        y.Append("kind: Job\n");
        y.Append("metadata:\n");
        y.Append($"  name: {JobName(plan)}\n");
        y.Append("spec:\n");
        y.Append("  completionMode: Indexed\n");
        y.Append($"  completions: {plan.Entries.Count}\n");
        y.Append($"  parallelism: {throttle}\n");
        y.Append($"  backoffLimitPerIndex: {RetriesPerIndex}\n");
        y.Append($"  maxFailedIndexes: {plan.Entries.Count}\n");
        y.Append("  template:\n");
        y.Append("    spec:\n");
        y.Append("      restartPolicy: Never\n");
        // A stopped pod gets SIGTERM first; the conversion removes its temporaries well within this.
        y.Append("      terminationGracePeriodSeconds: 60\n");
        y.Append("      containers:\n");
        y.Append("        - name: rvm\n");
        y.Append($"          image: {Quote(image)}\n");
        y.Append("          command:\n");
        foreach (var part in command) y.Append($"            - {Quote(part)}\n");
        y.Append("          volumeMounts:\n");
        y.Append("            - name: shared\n");
        y.Append($"              mountPath: {Quote(mount)}\n");
        y.Append("      volumes:\n");
        y.Append("        - name: shared\n");
        y.Append("          persistentVolumeClaim:\n");
        y.Append($"            claimName: {Quote(claim)}\n");
        return y.ToString();
    }

    public static string Write(BatchPlan plan, BatchFolder folder, int throttle, string image, string claim)
    {
        AtomicFile.WriteAllText(YamlPath(folder), Yaml(plan, folder, throttle, image, claim));
        return YamlPath(folder);
    }

    /// <summary>The deepest folder holding the job folder, the destination and every input and output: what the claim is mounted at.</summary>
    public static string SharedRoot(BatchPlan plan, BatchFolder folder)
    {
        var paths = new List<string> { folder.Path, plan.Destination };
        foreach (var r in plan.Entries.Select(e => e.Request))
            paths.AddRange(new[] { r.Input, r.CompositionPath, r.AlphaPath, r.ForegroundPath, r.Background.Path }.Where(p => p != null)!);
        var separator = Path.DirectorySeparatorChar;
        var common = paths.Select(p => Path.GetFullPath(p).TrimEnd(separator).Split(separator)).Aggregate((a, b) => a.Zip(b, (x, y) => (x, y)).TakeWhile(t => t.x == t.y).Select(t => t.x).ToArray());
        var root = string.Join(separator.ToString(), common);
        return root.Length == 0 ? separator.ToString() : root;
    }

    /// <summary>A YAML double-quoted scalar (JSON's escapes are YAML's; relaxed, so a quote in a command stays readable).</summary>
    private static string Quote(string text) =>
        System.Text.Json.JsonSerializer.Serialize(text, new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

using Rvm.IO;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace Rvm.Batch;

/// <summary>
/// A batch as a Slurm job array: slurm/array.sbatch runs one task per array index, with the logs in slurm/;
/// sbatch submits the indexes not done, at most Throttle at once (--array=list%Throttle); squeue says what waits and runs.
/// </summary>
internal static class SlurmEngine
{
    public const string Name = "Slurm";

    public static string ScriptPath(BatchFolder folder) => Path.Combine(folder.SlurmFolder, "array.sbatch");

    public static string Script(BatchPlan plan, BatchFolder folder)
    {
        var log = Path.Combine(folder.SlurmFolder, "%A_%a.out");
        var command = WorkerCommand.Arguments(plan.PowerShell, WorkerCommand.ScriptWithModulePath(plan, folder));
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append($"#SBATCH --job-name=rvm-{plan.Id}\n");
        text.Append($"#SBATCH --output={log}\n");
        text.Append($"#SBATCH --error={log}\n");
        // exec: scancel's SIGTERM reaches PowerShell itself, which stops the conversion and removes its temporaries.
        text.Append("exec ").Append(string.Join(" ", command.Select(WorkerCommand.ShellQuote))).Append('\n');
        return text.ToString();
    }

    /// <summary>Writes the script and submits the given indexes; returns the job id.</summary>
    public static string Submit(BatchPlan plan, BatchFolder folder, IReadOnlyList<int> indexes, int throttle, string? partition, IEnumerable<string> extra)
    {
        Directory.CreateDirectory(folder.SlurmFolder);
        AtomicFile.WriteAllText(ScriptPath(folder), Script(plan, folder));
        return Sbatch(folder, new List<string> { $"--array={string.Join(",", indexes)}%{throttle}" }, partition, extra, $"the batch '{folder.Path}'");
    }

    /// <summary>sbatch of the batch's script with these options; returns the job id.</summary>
    private static string Sbatch(BatchFolder folder, List<string> options, string? partition, IEnumerable<string> extra, string what)
    {
        var arguments = new List<string> { "--parsable", $"--chdir={folder.Path}" };
        arguments.AddRange(options);
        if (!string.IsNullOrEmpty(partition)) arguments.Add($"--partition={partition}");
        arguments.AddRange(extra);
        arguments.Add(ScriptPath(folder));
        var (code, output, error) = BatchStarter.Run("sbatch", arguments);
        if (code != 0) throw new InvalidOperationException($"sbatch refused {what} (exit code {code}): {error.Trim()}");
        // --parsable prints "jobid" or "jobid;cluster".
        return output.Trim().Split(';')[0];
    }

    /// <summary>
    /// Submits a join as a one-task array of the same script that starts once every part it needs has succeeded
    /// (--dependency=afterok on those array tasks); if one fails, Slurm drops the join (--kill-on-invalid-dep).
    /// </summary>
    public static string SubmitAfter(BatchFolder folder, int join, string arrayJobId, IEnumerable<int> parts, string? partition, IEnumerable<string> extra)
    {
        var options = new List<string> { $"--array={join}", "--dependency=afterok:" + string.Join(":", parts.Select(p => $"{arrayJobId}_{p}")), "--kill-on-invalid-dep=yes" };
        return Sbatch(folder, options, partition, extra, $"the join task {join} of the batch '{folder.Path}'");
    }

    /// <summary>The tasks of the batch's array and of its joins that squeue lists; null when squeue does not answer.</summary>
    public static IReadOnlyList<(int Index, string State)>? QueryAll(EngineState state, Func<string, IReadOnlyList<(int Index, string State)>?> query)
    {
        var all = new List<(int, string)>();
        foreach (var id in state.AllJobIds)
        {
            var listed = query(id);
            if (listed == null) return null;
            all.AddRange(listed);
        }
        return all;
    }

    /// <summary>The job's tasks that squeue lists (index, state: PENDING, RUNNING, COMPLETING...); null when squeue does not answer.</summary>
    public static IReadOnlyList<(int Index, string State)>? Query(string jobId)
    {
        (int, string, string) answer;
        try { answer = BatchStarter.Run("squeue", new[] { "-h", "-r", "-j", jobId, "-o", "%K %T" }); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is IOException) { return null; }
        var (code, output, error) = answer;
        // A job that has ended and been purged is not an error for the batch: nothing of it waits or runs.
        if (code != 0) return error.IndexOf("Invalid job id", StringComparison.OrdinalIgnoreCase) >= 0 ? new List<(int, string)>() : null;
        return output.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split(' '))
            .Where(parts => parts.Length == 2)
            // An index squeue has not split off yet ("[2-4%2]") is no one task: -1, which counts as unfinished.
            .Select(parts => (int.TryParse(parts[0], out var index) ? index : -1, parts[1]))
            .ToList();
    }
}

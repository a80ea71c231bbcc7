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
        BatchFolder.WriteAtomically(ScriptPath(folder), Script(plan, folder));
        var arguments = new List<string> { "--parsable", $"--array={string.Join(",", indexes)}%{throttle}", $"--chdir={folder.Path}" };
        if (!string.IsNullOrEmpty(partition)) arguments.Add($"--partition={partition}");
        arguments.AddRange(extra);
        arguments.Add(ScriptPath(folder));
        var (code, output, error) = BatchStarter.Run("sbatch", arguments);
        if (code != 0) throw new InvalidOperationException($"sbatch refused the batch '{folder.Path}' (exit code {code}): {error.Trim()}");
        // --parsable prints "jobid" or "jobid;cluster".
        return output.Trim().Split(';')[0];
    }

    /// <summary>Pending and running tasks of the job by squeue; null when squeue does not answer.</summary>
    public static (int Pending, int Running)? Query(string jobId)
    {
        (int, string, string) answer;
        try { answer = BatchStarter.Run("squeue", new[] { "-h", "-r", "-j", jobId, "-o", "%T" }); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is IOException) { return null; }
        var (code, output, error) = answer;
        // A job that has ended and been purged is not an error for the batch: nothing of it waits or runs.
        if (code != 0) return error.IndexOf("Invalid job id", StringComparison.OrdinalIgnoreCase) >= 0 ? (0, 0) : ((int, int)?)null;
        var states = output.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).ToList();
        return (states.Count(s => s == "PENDING"), states.Count(s => s == "RUNNING" || s == "COMPLETING"));
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Rvm.IO;
using Rvm.Processes;

namespace Rvm.Batch;

/// <summary>Hands a batch's unfinished tasks to an engine: the tasks without a successful result.</summary>
internal sealed class BatchStarter
{
    private readonly BatchFolder _folder;
    private readonly BatchPlan _plan;

    public BatchStarter(BatchFolder folder, BatchPlan plan)
    {
        _folder = folder;
        _plan = plan;
    }

    /// <summary>The tasks to run: no result, or a failed one.</summary>
    public IReadOnlyList<int> Unfinished()
    {
        var results = BatchTaskResult.ReadAll(_folder);
        return _plan.Entries.Select(e => e.Index).Where(i => !(results.TryGetValue(i, out var r) && r.Succeeded)).ToList();
    }

    /// <summary>Submits the unfinished tasks as a job array; returns them (none: nothing submitted, nothing rewritten).</summary>
    public IReadOnlyList<int> StartSlurm(int throttle, string? partition, IEnumerable<string> extra, Func<string, IReadOnlyList<(int Index, string State)>?> query)
    {
        var earlier = EngineState.Load(_folder);
        var unfinished = Unfinished();
        // Tasks of an earlier submission that are still queued or running, and have no result yet, would run twice.
        // (One that has written its result may still show as COMPLETING for a moment: that one is done.)
        if (earlier?.Engine == SlurmEngine.Name && SlurmEngine.QueryAll(earlier, query) is { } listed)
        {
            var live = listed.Where(t => t.Index < 0 || unfinished.Contains(t.Index)).ToList();
            if (live.Count > 0)
                throw new InvalidOperationException($"The batch '{_folder.Path}' still has {live.Count} unfinished tasks queued or running in Slurm job {earlier.JobId}; wait for them (Get-RvmBatch -Wait) or cancel them (scancel {earlier.JobId}) before starting it again.");
        }
        var indexes = unfinished;
        if (indexes.Count == 0) return indexes;
        ClearFailures(indexes);
        // A join waits for those of its parts that run now; with all its parts done, it is an array task like any other.
        var waiting = indexes.Where(i => _plan.Entries[i].IsJoin && _plan.Entries[i].PartEntries!.Any(indexes.Contains)).ToList();
        var array = indexes.Except(waiting).ToList();
        var jobId = SlurmEngine.Submit(_plan, _folder, array, throttle, partition, extra);
        var joins = waiting.Select(j => SlurmEngine.SubmitAfter(_folder, j, jobId, _plan.Entries[j].PartEntries!.Where(indexes.Contains), partition, extra)).ToArray();
        new EngineState { Engine = SlurmEngine.Name, JobId = jobId, JoinJobIds = joins }.Save(_folder);
        return indexes;
    }

    /// <summary>Writes kubernetes/job.yaml for every task (the Job's indexes are the plan's; done tasks find their outputs and skip).</summary>
    public string WriteKubernetes(int throttle, string image, string claim)
    {
        ClearFailures(Unfinished());
        var path = KubernetesJob.Write(_plan, _folder, throttle, image, claim);
        new EngineState { Engine = KubernetesJob.Name, JobId = KubernetesJob.JobName(_plan) }.Save(_folder);
        return path;
    }

    /// <summary>kubectl apply, when kubectl has a context to apply to.</summary>
    public string ApplyKubernetes(string yaml)
    {
        var (code, context, _) = Run("kubectl", new[] { "config", "current-context" });
        if (code != 0 || context.Trim().Length == 0) throw new InvalidOperationException($"kubectl has no current context, so '{yaml}' was written but not applied; apply it with kubectl apply -f '{yaml}' where a cluster is configured.");
        var (applied, output, error) = Run("kubectl", new[] { "apply", "-f", yaml });
        if (applied != 0) throw new InvalidOperationException($"kubectl apply -f '{yaml}' failed (exit code {applied}): {error.Trim()}");
        return output.Trim();
    }

    /// <summary>A failed result goes before its task runs again, so a waiting Get-RvmBatch does not count it as finished.</summary>
    private void ClearFailures(IEnumerable<int> indexes)
    {
        foreach (var i in indexes) AtomicFile.TryDelete(_folder.ResultPath(i));
    }

    internal static (int Code, string Output, string Error) Run(string exe, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(exe, CommandLine.Join(arguments)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}

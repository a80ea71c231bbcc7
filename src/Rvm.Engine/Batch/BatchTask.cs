using Rvm.IO;
using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Rvm.Inference;
using Rvm.Matting;
using Rvm.Models;

namespace Rvm.Batch;

/// <summary>
/// What one task of a batch does on a worker: the plan entry converted through the same planner and converter as
/// Convert-RvmVideo (outputs claimed, written under temporary names, committed whole, SIGTERM honoured), skipped
/// when its outputs are complete, and its result written to results/&lt;index&gt;.json atomically.
/// </summary>
internal static class BatchTask
{
    /// <summary>The engines' array index variables, in the order they are read.</summary>
    public static readonly string[] IndexVariables = { "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX" };

    public static int IndexFromEnvironment()
    {
        foreach (var name in IndexVariables)
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrEmpty(value))
                return int.TryParse(value, out var index) ? index : throw new ArgumentException($"{name} is '{value}', not a task index.");
        }
        throw new ArgumentException($"No task index: give -Index, or run under an engine that sets {string.Join(", ", IndexVariables)}.");
    }

    /// <summary>Refuses a plan made by another version of the module: it might plan or name outputs differently.</summary>
    public static void CheckVersion(BatchPlan plan, string planPath)
    {
        if (plan.ModuleVersion != BatchPlan.ThisModuleVersion)
            throw new InvalidOperationException($"The batch plan '{planPath}' was made by Rvm {plan.ModuleVersion} ('{plan.ModulePath}'), but this worker runs Rvm {BatchPlan.ThisModuleVersion}. Install Rvm {plan.ModuleVersion} on the worker, or make the plan again with this version.");
    }

    public static PlanEntry Entry(BatchPlan plan, int index, string planPath) =>
        index >= 0 && index < plan.Entries.Count ? plan.Entries[index]
            : throw new ArgumentOutOfRangeException(nameof(index), $"The batch '{planPath}' has tasks 0 to {plan.Entries.Count - 1}; there is no task {index}.");

    /// <summary>Loads the plan's model and checks it is the same network, byte for byte.</summary>
    public static RvmModel LoadModel(ModelIdentity identity, ModelLog log)
    {
        var request = new ModelRequest { Variant = identity.Variant, Precision = identity.Precision, Path = identity.Path };
        var resolved = new ModelResolver(ModelCache.Default(), log).Resolve(request);
        if (!string.Equals(resolved.Sha256, identity.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"The model on this worker ('{resolved.Source}', SHA-256 {resolved.Sha256}) is not the batch's ('{identity.Source}', SHA-256 {identity.Sha256}).");
        var device = Enum.TryParse<ExecutionDevice>(identity.Device, true, out var d) ? d : ExecutionDevice.Auto;
        return RvmModel.Load(resolved, new SessionSettings { Device = device }, log.Verbose);
    }

    /// <summary>Runs the entry and writes its result; an error becomes a failed result (and is thrown for the caller to report).</summary>
    public static BatchTaskResult Run(BatchFolder folder, PlanEntry entry, Func<RvmModel> model, CancellationToken cancel,
        Action<ConversionProgress>? progress, Action<string>? verbose, Action<string>? warning)
    {
        var clock = Stopwatch.StartNew();
        var task = new BatchTaskResult { Index = entry.Index, Input = entry.Request.Input, Host = Environment.MachineName };
        try
        {
            var loaded = model();
            var plan = ConversionPlanner.Plan(entry.Request, loaded, entry.Policy, verbose: verbose);
            if (plan.Skip)
            {
                verbose?.Invoke($"Task {entry.Index}: skipping '{entry.Request.Input}': {plan.SkipReason}.");
                task.Skipped = true;
            }
            else task.Result = new VideoConverter(loaded).Convert(plan, progress, cancel, verbose, warning);
        }
        catch (OperationCanceledException)
        {
            // A stopped task leaves no result: it is not done, and starting the batch again runs it.
            throw;
        }
        catch (Exception e)
        {
            task.Error = e.Message;
            task.ElapsedSeconds = clock.Elapsed.TotalSeconds;
            AtomicFile.WriteAllText(folder.ResultPath(entry.Index), task.ToJson());
            throw new BatchTaskException(task, e);
        }
        task.ElapsedSeconds = clock.Elapsed.TotalSeconds;
        AtomicFile.WriteAllText(folder.ResultPath(entry.Index), task.ToJson());
        return task;
    }
}

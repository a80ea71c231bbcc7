using Rvm.IO;
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
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

    /// <summary>
    /// Runs the entry and writes its result; an error becomes a failed result (and is thrown for the caller to report).
    /// With <paramref name="joinAfterLastPart"/> (engines without dependencies between tasks, such as Kubernetes), the
    /// last part of a video to finish also runs its join, and the join's own task leaves the join to it while parts are
    /// missing: it returns null and writes no result.
    /// </summary>
    public static BatchTaskResult? Run(BatchFolder folder, BatchPlan batch, PlanEntry entry, Func<RvmModel> model, CancellationToken cancel,
        Action<ConversionProgress>? progress, Action<string>? verbose, Action<string>? warning, bool joinAfterLastPart = false)
    {
        if (entry.IsJoin && joinAfterLastPart && !PartsDone(folder, entry))
        {
            verbose?.Invoke($"Task {entry.Index}: the parts of '{entry.Request.Input}' are not all done; the last of them joins them.");
            return null;
        }
        var task = entry.IsJoin ? JoinOnce(folder, batch, entry, model, cancel, progress, verbose, warning) : Convert(folder, batch, entry, model, cancel, progress, verbose, warning);
        if (entry.IsPart && joinAfterLastPart && batch.Entries[entry.JoinEntry!.Value] is var join && PartsDone(folder, join))
        {
            verbose?.Invoke($"Task {entry.Index}: the last part of '{entry.Request.Input}' to finish; joining the parts (task {join.Index}).");
            JoinOnce(folder, batch, join, model, cancel, progress, verbose, warning);
        }
        return task;
    }

    /// <summary>Whether every part of a join has a successful result.</summary>
    private static bool PartsDone(BatchFolder folder, PlanEntry join) =>
        join.PartEntries!.All(i => BatchTaskResult.TryRead(folder, i) is { Succeeded: true });

    /// <summary>
    /// A join, once: under the job folder's lock for it, and not again when its result says it is done (the last
    /// part and the join's own task may both get here).
    /// </summary>
    private static BatchTaskResult JoinOnce(BatchFolder folder, BatchPlan batch, PlanEntry join, Func<RvmModel> model, CancellationToken cancel,
        Action<ConversionProgress>? progress, Action<string>? verbose, Action<string>? warning)
    {
        Directory.CreateDirectory(folder.ResultsFolder);
        using var held = FileLock.Acquire(Path.Combine(folder.ResultsFolder, $"{join.Index}.lock"), cancel);
        if (BatchTaskResult.TryRead(folder, join.Index) is { Succeeded: true } done) return done;
        return Convert(folder, batch, join, model, cancel, progress, verbose, warning);
    }

    private static BatchTaskResult Convert(BatchFolder folder, BatchPlan batch, PlanEntry entry, Func<RvmModel> model, CancellationToken cancel,
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
            else if (entry.Part is int part) task.Result = new VideoConverter(loaded).ConvertPart(plan, part, progress, cancel, verbose, warning);
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
        if (batch.PreviewFrames is int frames && task.Result != null && !entry.IsPart) WritePreview(task.Result, frames, cancel, warning);
        task.ElapsedSeconds = clock.Elapsed.TotalSeconds;
        AtomicFile.WriteAllText(folder.ResultPath(entry.Index), task.ToJson());
        return task;
    }

    /// <summary>
    /// New-RvmBatch -Preview: the sheet beside the outputs (a part's come with its join), where Get-RvmBatch lists it.
    /// A sheet that fails is a warning: the outputs are done, and New-RvmPreview can make it again.
    /// </summary>
    private static void WritePreview(RvmConversionResult result, int frames, CancellationToken cancel, Action<string>? warning)
    {
        try { PreviewSheetWriter.WriteFor(result, frames, cancel); }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            warning?.Invoke($"The preview sheet '{PreviewSheetWriter.SheetPathFor(result)}' could not be written: {e.Message}");
        }
    }
}

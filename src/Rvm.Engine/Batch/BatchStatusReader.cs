using System;
using System.Collections.Generic;
using System.Linq;

namespace Rvm.Batch;

/// <summary>A batch's status from its results, and from the engine for what is pending and running.</summary>
internal static class BatchStatusReader
{
    public static RvmBatchStatus Read(BatchFolder folder, BatchPlan plan, Func<string, IReadOnlyList<(int Index, string State)>?> slurmQuery)
    {
        var results = BatchTaskResult.ReadAll(folder);
        var state = EngineState.Load(folder);
        var succeeded = results.Values.Where(r => r.Succeeded).OrderBy(r => r.Index).ToList();
        var failed = results.Values.Where(r => !r.Succeeded).OrderBy(r => r.Index).ToList();
        // A long video's parts are counted as tasks; its result is its join's.
        var converted = succeeded.Where(r => r.Result != null && !(r.Index < plan.Entries.Count && plan.Entries[r.Index].IsPart)).Select(r => r.Result!).ToList();
        var status = new RvmBatchStatus
        {
            Id = plan.Id,
            JobFolder = folder.Path,
            Engine = state?.Engine,
            EngineJobId = state?.JobId,
            Total = plan.Entries.Count,
            Done = succeeded.Count,
            Failed = failed.Count,
            Results = converted.ToArray(),
            Failures = failed.Select(r => new RvmBatchFailure { Index = r.Index, Input = r.Input, Host = r.Host, Message = r.Error! }).ToArray(),
            Frames = converted.Sum(r => r.FrameCount),
            MeanFramesPerSecond = converted.Count == 0 ? 0 : converted.Average(r => r.FramesPerSecond),
            Previews = converted.Select(Matting.PreviewSheetWriter.ExistingSheet).OfType<string>().ToArray(),
        };
        if (state?.Engine == SlurmEngine.Name && SlurmEngine.QueryAll(state, slurmQuery) is { } listed)
        {
            status.Pending = listed.Count(t => t.State == "PENDING");
            status.Running = listed.Count(t => t.State == "RUNNING" || t.State == "COMPLETING");
        }
        return status;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rvm.Inference;
using Rvm.Matting;

namespace Rvm.Batch;

/// <summary>
/// Makes a batch's plan: each input planned as Convert-RvmVideo plans it (outputs named, checked against what
/// exists and against each other, the input probed and its memory estimated), so a bad input is reported now and
/// becomes no task; then plan.json, written once.
/// </summary>
internal sealed class BatchBuilder
{
    private readonly RvmModel _model;
    private readonly RunOutputs _run = new RunOutputs();

    public BatchBuilder(BatchFolder folder, BatchPlan plan, RvmModel model)
    {
        if (File.Exists(folder.PlanPath))
            throw new IOException($"'{folder.Path}' holds a batch already; run it again with Start-RvmBatch -JobFolder '{folder.Path}', or give another -JobFolder.");
        Folder = folder;
        Plan = plan;
        _model = model;
    }

    public BatchFolder Folder { get; }
    public BatchPlan Plan { get; }

    /// <summary>Plans one input; returns why it is no task (it is an output of Rvm), or null when it is one. Throws for a bad input.</summary>
    public string? Add(ConversionRequest request, OutputPolicy policy, Action<string>? verbose)
    {
        var planned = ConversionPlanner.Plan(request, _model, policy, _run, verbose);
        // A skip plan with no outputs is an input that is Rvm's own output; one with outputs is done already and
        // stays a task (it finds its outputs complete and records so).
        if (planned.Skip && planned.Outputs.Count == 0) return planned.SkipReason;
        int parts = request.SegmentLength.HasValue ? planned.Segmenting?.Parts.Count ?? 1 : 1;
        if (parts <= 1)
        {
            Plan.Entries.Add(new PlanEntry(Plan.Entries.Count, request, policy));
            return null;
        }
        // A long video: a task per part, then the join, which names them.
        int first = Plan.Entries.Count, join = first + parts;
        for (int k = 0; k < parts; k++) Plan.Entries.Add(new PlanEntry(first + k, request, policy, part: k, joinEntry: join));
        Plan.Entries.Add(new PlanEntry(join, request, policy, partEntries: Enumerable.Range(first, parts).ToArray()));
        verbose?.Invoke($"'{request.Input}' is {parts} part tasks ({first} to {join - 1}) of at most {request.SegmentLength}, and task {join} joins them.");
        return null;
    }

    public RvmBatch Save()
    {
        if (Plan.Entries.Count == 0) throw new InvalidOperationException("No input became a task, so no batch was written.");
        Directory.CreateDirectory(Folder.Path);
        Plan.Save(Folder);
        return RvmBatch.Of(Folder, Plan);
    }
}

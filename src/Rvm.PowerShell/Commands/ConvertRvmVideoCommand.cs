using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.IO;
using Rvm.Matting;
using Rvm.Media;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>Which outputs Convert-RvmVideo makes.</summary>
[Flags]
public enum RvmOutput
{
    Composition = 1,
    Alpha = 2,
    Foreground = 4,
}

public enum RvmOutputType
{
    Video,
    PngSequence,
}

public enum RvmContainer
{
    Mp4,
    Mov,
    Webm,
    Mkv,
}

/// <summary>
/// Convert-RvmVideo: videos (or folders of pictures) from the pipeline to their composition, alpha matte and
/// foreground, as video files or PNG sequences. One model serves the whole pipeline; each input is its own
/// recurrent sequence. A failing input is an error and the next one still converts.
/// </summary>
[Cmdlet(VerbsData.Convert, "RvmVideo", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(RvmConversionResult))]
public sealed class ConvertRvmVideoCommand : RvmConversionCmdlet, IDisposable
{
    private const int ParentActivity = 10;
    private const int FileActivity = 11;

    private RvmModel? _model;
    private Matting.Background _background = Matting.Background.Default;
    private int _inputs;
    private OutputPolicy _policy = new OutputPolicy();
    private readonly RunOutputs _runOutputs = new RunOutputs();
    private ConversionScheduler? _scheduler;
    private SlotModels? _slotModels;
    private int _finished;
    private InputsProgress _progress = new InputsProgress(null);
    private string _parentStatus = "";

    /// <summary>Folder for the outputs; default: beside each input.</summary>
    [Parameter(Position = 1)]
    public string? Destination { get; set; }

    [Parameter]
    public string? CompositionPath { get; set; }

    [Parameter]
    public string? AlphaPath { get; set; }

    [Parameter]
    public string? ForegroundPath { get; set; }

    [Parameter]
    public SwitchParameter SkipExisting { get; set; }

    /// <summary>Inputs converted at once, the CPU threads divided among them; 1 converts one at a time.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    protected override void BeginProcessing()
    {
        if (!string.IsNullOrEmpty(Destination)) Destination = ResolveOutputPath(Destination!);
        _policy = new OutputPolicy
        {
            StartOver = Force,
            Force = Force,
            SkipExisting = SkipExisting,
            ExplicitPaths = CompositionPath != null || AlphaPath != null || ForegroundPath != null,
            IncludeRvmOutputs = IncludeRvmOutput,
        };
        try
        {
            if (OutputName != null && _policy.ExplicitPaths)
                throw new ArgumentException("-OutputName names the outputs Rvm names; -CompositionPath, -AlphaPath and -ForegroundPath name them already: give one or the other.");
            ReadOutputName();
            _background = ParseBackground();
            _model = Model != null || Device == ExecutionDevice.Auto ? ResolveModel(Model) : DefaultModelOn(Device);
            if (ThrottleLimit > 1)
            {
                _scheduler = new ConversionScheduler(ThrottleLimit, StopToken);
                _slotModels = new SlotModels(_model, ThrottleLimit);
                WriteVerbose($"Up to {ThrottleLimit} inputs at once, {_slotModels.ThreadsEach} CPU thread(s) each.");
            }
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            ThrowTerminatingError(ErrorRecords.From(e, "ConvertRvmVideoSetupFailed", Background));
        }
    }

    private RvmModel DefaultModelOn(ExecutionDevice device)
    {
        var pump = new LogPump(1);
        return pump.Run(this, () => DefaultModel.Get(pump.Log, device));
    }

    protected override void ProcessRecord()
    {
        var inputs = InputPaths();
        if (!MyInvocation.ExpectingInput)
        {
            // -Path/-LiteralPath: every input is known before the first converts, so the parent bar counts "n of N".
            var known = inputs.ToList();
            _progress = new InputsProgress(known.Count);
            inputs = known;
        }
        foreach (var input in inputs)
        {
            StopToken.ThrowIfCancellationRequested();
            _inputs = _progress.Next();
            ConversionPlan plan;
            try
            {
                plan = ConversionPlanner.Plan(BuildRequest(input), _model!, _policy, _runOutputs, WriteVerbose);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                _progress.Pass(_inputs);
                WriteError(ErrorRecords.From(e, e is OutputConflictException ? "OutputConflict" : "InvalidConversionRequest", input));
                continue;
            }
            if (plan.Skip)
            {
                _progress.Pass(_inputs);
                WriteVerbose($"Skipping '{input}': {plan.SkipReason}.");
                continue;
            }
            if (!ShouldProcess(input, $"Convert to {string.Join(", ", plan.Outputs.Select(o => o.Path))}")) { _progress.Pass(_inputs); continue; }
            if (_scheduler == null) Convert(plan);
            else Scheduled(() => Schedule(plan));
        }
        if (_scheduler != null) Scheduled(_scheduler.RunReported);
    }

    protected override void EndProcessing()
    {
        if (_scheduler != null) Scheduled(_scheduler.WaitAll);
        WriteProgress(new ProgressRecord(ParentActivity, "Convert-RvmVideo", "Done") { RecordType = ProgressRecordType.Completed });
    }

    /// <summary>
    /// Runs a step of the pipeline thread's part of -ThrottleLimit; when it stops (Ctrl+C, a downstream command
    /// that wants no more), the conversions still running are stopped and waited for before the pipeline ends.
    /// </summary>
    private void Scheduled(Action step)
    {
        try { step(); }
        catch (Exception)
        {
            _scheduler!.WaitAllAfterStop();
            if (StopToken.IsCancellationRequested) throw new PipelineStoppedException();
            throw;
        }
    }

    /// <summary>Starts a conversion on a worker once fewer than -ThrottleLimit run; its reports are written here.</summary>
    private void Schedule(ConversionPlan plan)
    {
        var (name, activity, number) = (NameOf(plan), FileActivity + _inputs, _inputs);
        _progress.Start(number);
        WriteParentProgress(_progress.Status(number, name) + $"; {_finished} done");
        WriteVerbose($"Converting '{plan.Request.Input}' on {_model!.Device} to {string.Join(", ", plan.Outputs.Select(o => o.Path))}.");
        var scheduler = _scheduler!;
        scheduler.Start((slot, cancel) => new VideoConverter(_slotModels!.For(slot)).Convert(plan,
                p => scheduler.Post(() => WriteFileProgress(activity, number, name, p)), cancel,
                m => scheduler.Post(() => WriteVerbose(m)), m => scheduler.Post(() => WriteWarning(m))),
            (result, error) =>
            {
                _finished++;
                _progress.Finish(number);
                Report(plan, name, activity, result, error);
            });
    }

    public void Dispose()
    {
        if (_scheduler?.Running > 0) _scheduler.WaitAllAfterStop();
        _scheduler?.Dispose();
        _slotModels?.Dispose();
    }

    private void Convert(ConversionPlan plan)
    {
        var request = plan.Request;
        var pump = new LogPump(FileActivity);
        var (name, number) = (NameOf(plan), _inputs);
        _progress.Start(number);
        WriteParentProgress(_progress.Status(number, name));
        WriteVerbose($"Converting '{request.Input}' on {_model!.Device} to {string.Join(", ", plan.Outputs.Select(o => o.Path))}.");
        RvmConversionResult? result = null;
        Exception? error = null;
        try
        {
            result = pump.Run(this, () => new VideoConverter(_model).Convert(plan,
                p => pump.Post(c => WriteFileProgress(FileActivity, number, name, p)), StopToken, pump.Log.Verbose, pump.Log.Warning));
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            error = e;
        }
        _progress.Finish(number);
        Report(plan, name, FileActivity, result, error);
    }

    private static string NameOf(ConversionPlan plan) => System.IO.Path.GetFileName(plan.Request.Input.TrimEnd(System.IO.Path.DirectorySeparatorChar));

    /// <summary>A conversion's end, on the pipeline thread: its result, or its error and the next input goes on.</summary>
    private void Report(ConversionPlan plan, string name, int activity, RvmConversionResult? result, Exception? error)
    {
        var input = plan.Request.Input;
        // Stopped by Ctrl+C, or (-ThrottleLimit) with the others when the pipeline wanted no more: not this input's error.
        if (error is OperationCanceledException && (StopToken.IsCancellationRequested || _scheduler?.Cancel.IsCancellationRequested == true))
            throw new PipelineStoppedException();
        if (error != null)
        {
            WriteProgress(new ProgressRecord(activity, name, "Failed") { ParentActivityId = ParentActivity, RecordType = ProgressRecordType.Completed });
            WriteError(ErrorRecords.From(error, error is OutputConflictException ? "OutputConflict" : "ConversionFailed", input));
            return;
        }
        WriteProgress(new ProgressRecord(activity, name, "Done") { ParentActivityId = ParentActivity, RecordType = ProgressRecordType.Completed });
        WriteVerbose($"'{input}': {result!.FrameCount} frames ({result.Width}x{result.Height}, ratio {result.DownsampleRatio}) in {result.Elapsed.TotalSeconds:0.0} s, {result.FramesPerSecond:0.00} fps.");
        if (Preview) WritePreview(result);
        WriteObject(result);
    }

    /// <summary>The whole run's bar: <paramref name="status"/> (kept for the updates between inputs), share done and time left when N is known.</summary>
    private void WriteParentProgress(string? status = null)
    {
        _parentStatus = status ?? _parentStatus;
        var record = new ProgressRecord(ParentActivity, "Convert-RvmVideo", _parentStatus);
        if (_progress.PercentComplete is int percent) record.PercentComplete = percent;
        if (_progress.Remaining is TimeSpan left) record.SecondsRemaining = (int)Math.Ceiling(left.TotalSeconds);
        WriteProgress(record);
    }

    /// <summary>A file's frames done, on the pipeline thread: its own bar and the whole run's.</summary>
    private void WriteFileProgress(int activity, int input, string name, ConversionProgress p)
    {
        _progress.Report(input, p.FramesDone, p.TotalFrames);
        WriteProgress(FileProgress(activity, name, p));
        WriteParentProgress();
    }

    /// <summary>The sheet of outputs just written; a sheet that fails is an error of its own: the conversion's result still comes.</summary>
    private void WritePreview(RvmConversionResult result)
    {
        try { PreviewSheetWriter.WriteFor(result, PreviewFrames, StopToken); }
        catch (Exception e) when (!(e is PipelineStoppedException) && !StopToken.IsCancellationRequested)
        {
            WriteError(ErrorRecords.From(e, "PreviewFailed", PreviewSheetWriter.SheetPathFor(result)));
        }
    }

    private static ProgressRecord FileProgress(int activity, string name, ConversionProgress p)
    {
        var status = p.TotalFrames.HasValue ? $"Frame {p.FramesDone} of {p.TotalFrames}, {p.FramesPerSecond:0.0} fps" : $"Frame {p.FramesDone}, {p.FramesPerSecond:0.0} fps";
        var record = new ProgressRecord(activity, name, status) { ParentActivityId = ParentActivity };
        if (p.TotalFrames > 0) record.PercentComplete = (int)Math.Min(100, p.FramesDone * 100 / p.TotalFrames.Value);
        if (p.Remaining.HasValue) record.SecondsRemaining = (int)p.Remaining.Value.TotalSeconds;
        return record;
    }

    private ConversionRequest BuildRequest(string input)
    {
        var request = NewRequest(input, _background);
        bool explicitPaths = CompositionPath != null || AlphaPath != null || ForegroundPath != null;
        if (explicitPaths)
        {
            if (_inputs > 1) throw new ArgumentException("-CompositionPath, -AlphaPath and -ForegroundPath name the outputs of one input; use -Destination for several.");
            request.CompositionPath = CompositionPath != null ? ResolveOutputPath(CompositionPath) : null;
            request.AlphaPath = AlphaPath != null ? ResolveOutputPath(AlphaPath) : null;
            request.ForegroundPath = ForegroundPath != null ? ResolveOutputPath(ForegroundPath) : null;
            return request;
        }

        NameOutputs(request, Destination);
        return request;
    }
}

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
public sealed class ConvertRvmVideoCommand : RvmConversionCmdlet
{
    private const int ParentActivity = 10;
    private const int FileActivity = 11;

    private RvmModel? _model;
    private Matting.Background _background = Matting.Background.Default;
    private int _inputs;
    private OutputPolicy _policy = new OutputPolicy();
    private readonly RunOutputs _runOutputs = new RunOutputs();

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
            _background = Matting.Background.Parse(Background, ResolveOutputPath);
            _model = Model != null || Device == ExecutionDevice.Auto ? ResolveModel(Model) : DefaultModelOn(Device);
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
        foreach (var input in InputPaths())
        {
            StopToken.ThrowIfCancellationRequested();
            _inputs++;
            ConversionPlan plan;
            try
            {
                plan = ConversionPlanner.Plan(BuildRequest(input), _model!, _policy, _runOutputs, WriteVerbose);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                WriteError(ErrorRecords.From(e, e is OutputConflictException ? "OutputConflict" : "InvalidConversionRequest", input));
                continue;
            }
            if (plan.Skip)
            {
                WriteVerbose($"Skipping '{input}': {plan.SkipReason}.");
                continue;
            }
            if (!ShouldProcess(input, $"Convert to {string.Join(", ", plan.Outputs.Select(o => o.Path))}")) continue;
            Convert(plan);
        }
    }

    protected override void EndProcessing() =>
        WriteProgress(new ProgressRecord(ParentActivity, "Convert-RvmVideo", "Done") { RecordType = ProgressRecordType.Completed });

    private void Convert(ConversionPlan plan)
    {
        var request = plan.Request;
        var pump = new LogPump(FileActivity);
        var name = System.IO.Path.GetFileName(request.Input.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        WriteProgress(new ProgressRecord(ParentActivity, "Convert-RvmVideo", $"Input {_inputs}: {name}"));
        WriteVerbose($"Converting '{request.Input}' on {_model!.Device} to {string.Join(", ", plan.Outputs.Select(o => o.Path))}.");
        try
        {
            var result = pump.Run(this, () => new VideoConverter(_model).Convert(plan,
                p => pump.Post(c => c.WriteProgress(FileProgress(name, p))), StopToken, pump.Log.Verbose, pump.Log.Warning));
            WriteProgress(new ProgressRecord(FileActivity, name, "Done") { ParentActivityId = ParentActivity, RecordType = ProgressRecordType.Completed });
            WriteVerbose($"'{request.Input}': {result.FrameCount} frames ({result.Width}x{result.Height}, ratio {result.DownsampleRatio}) in {result.Elapsed.TotalSeconds:0.0} s, {result.FramesPerSecond:0.00} fps.");
            WriteObject(result);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteProgress(new ProgressRecord(FileActivity, name, "Failed") { ParentActivityId = ParentActivity, RecordType = ProgressRecordType.Completed });
            WriteError(ErrorRecords.From(e, e is OutputConflictException ? "OutputConflict" : "ConversionFailed", request.Input));
        }
    }

    private static ProgressRecord FileProgress(string name, ConversionProgress p)
    {
        var status = p.TotalFrames.HasValue ? $"Frame {p.FramesDone} of {p.TotalFrames}, {p.FramesPerSecond:0.0} fps" : $"Frame {p.FramesDone}, {p.FramesPerSecond:0.0} fps";
        var record = new ProgressRecord(FileActivity, name, status) { ParentActivityId = ParentActivity };
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

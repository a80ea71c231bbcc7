using System;
using System.IO;
using System.Management.Automation;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>
/// Invoke-RvmFrame: runs pictures (files or frame objects) through the network in pipeline order, carrying
/// the recurrent state from each frame to the next, and emits one RvmFrameResult per input.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "RvmFrame", DefaultParameterSetName = PathSet)]
[OutputType(typeof(RvmFrameResult))]
public sealed class InvokeRvmFrameCommand : RvmPathCmdlet
{
    private const string FrameSet = "Frame";

    private RvmModel? _model;
    private RecurrentState _state = RecurrentState.Initial;
    private long _index;

    /// <summary>Frames made by the engine (width, height, RGB bytes), e.g. from a video reader.</summary>
    [Parameter(ParameterSetName = FrameSet, Mandatory = true, ValueFromPipeline = true)]
    public RgbFrame[] InputObject { get; set; } = Array.Empty<RgbFrame>();

    [Parameter]
    public RvmModel? Model { get; set; }

    /// <summary>Fraction of the frame size the network's first stage works at; default min(512 / max(h, w), 1).</summary>
    [Parameter]
    [ValidateDownsampleRatio]
    public float? DownsampleRatio { get; set; }

    /// <summary>A state to start from, from an earlier result's .State.</summary>
    [Parameter]
    public RecurrentState? State { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _model = ResolveModel(Model);
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            ThrowTerminatingError(ErrorRecords.From(e, "ModelUnavailable", Model));
        }
        if (State != null) _state = State;
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == FrameSet)
        {
            foreach (var frame in InputObject) Run(frame, frame.Source ?? frame.ToString());
            return;
        }
        foreach (var path in InputPaths())
        {
            if (Directory.Exists(path))
            {
                WriteError(new ErrorRecord(new IOException($"'{path}' is a folder, not a picture."), "InputIsFolder", ErrorCategory.InvalidArgument, path));
                continue;
            }
            RgbFrame frame;
            try
            {
                frame = ImageFileReader.Read(path, _index);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                WriteError(ErrorRecords.From(e, "ImageUnreadable", path));
                continue;
            }
            Run(frame, path);
        }
    }

    private void Run(RgbFrame frame, object target)
    {
        StopToken.ThrowIfCancellationRequested();
        float ratio = DownsampleRatio ?? Inference.DownsampleRatio.Auto(frame.Width, frame.Height);
        if (!_state.Fits(frame.Width, frame.Height, ratio))
        {
            WriteVerbose($"Frame {_index} is {frame.Width}x{frame.Height} at ratio {ratio}; the state was for {_state}: starting from a fresh state.");
            _state = RecurrentState.Initial;
        }
        try
        {
            var result = _model!.Process(frame, ratio, _state, StopToken);
            _state = result.State;
            _index++;
            WriteObject(result);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteError(ErrorRecords.From(e, "FrameFailed", target));
        }
    }
}

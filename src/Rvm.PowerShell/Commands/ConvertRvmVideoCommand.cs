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
public sealed class ConvertRvmVideoCommand : RvmPathCmdlet
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
    public RvmOutput[] Output { get; set; } = { RvmOutput.Composition };

    [Parameter]
    public RvmOutputType OutputType { get; set; } = RvmOutputType.Video;

    /// <summary>Container for outputs named under -Destination: Mp4 (default; Mov for a transparent composition), Mov, Webm, Mkv.</summary>
    [Parameter]
    public RvmContainer? Container { get; set; }

    [Parameter]
    public string? CompositionPath { get; set; }

    [Parameter]
    public string? AlphaPath { get; set; }

    [Parameter]
    public string? ForegroundPath { get; set; }

    /// <summary>A colour (name, '#rrggbb', 'r,g,b'), a picture or video file, or 'Transparent'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BackgroundCompleter))]
    public string Background { get; set; } = "120,255,155";

    [Parameter]
    [ValidateDownsampleRatio]
    public float? DownsampleRatio { get; set; }

    /// <summary>Width and height the input is scaled to first.</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    [ValidateRange(2, 16384)]
    public int[]? InputResize { get; set; }

    /// <summary>Frame rate of a folder of pictures, e.g. 30 or 30000/1001.</summary>
    [Parameter]
    public string FrameRate { get; set; } = "30";

    /// <summary>Video bitrate in megabits per second; default: each codec's quality setting.</summary>
    [Parameter]
    [ValidateRange(0.05, 1000.0)]
    public double? VideoBitrate { get; set; }

    /// <summary>Codec quality: CRF for H.264 (default 18) and VP9 (default 30); lower is better.</summary>
    [Parameter]
    [ValidateRange(0, 63)]
    public int? Quality { get; set; }

    [Parameter]
    public RvmModel? Model { get; set; }

    /// <summary>Device for the default model when -Model is not given.</summary>
    [Parameter]
    public ExecutionDevice Device { get; set; } = ExecutionDevice.Auto;

    /// <summary>Decode on the GPU and encode H.264 with NVENC where ffmpeg can; the CPU codecs otherwise, with a Verbose line.</summary>
    [Parameter]
    public SwitchParameter HardwareVideo { get; set; }

    /// <summary>Strict (default): a decode error fails the input. Conceal: damaged frames are concealed or left out, each named in a warning.</summary>
    [Parameter]
    public DecodeErrorTolerance ErrorTolerance { get; set; } = DecodeErrorTolerance.Strict;
    /// <summary>Refuse an input whose conversion is estimated to need more memory than this, in bytes (e.g. 8GB); default: half of this machine's memory.</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long? MaxMemory { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter SkipExisting { get; set; }

    /// <summary>Convert inputs that are themselves Rvm's outputs (recognised by the tag Rvm writes into them); skipped otherwise.</summary>
    [Parameter]
    public SwitchParameter IncludeRvmOutput { get; set; }

    protected override void BeginProcessing()
    {
        if (!string.IsNullOrEmpty(Destination)) Destination = ResolveOutputPath(Destination!);
        _policy = new OutputPolicy
        {
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

    /// <summary>The format of outputs named under -Destination; null: Rvm's default for the background.</summary>
    internal static OutputFormat? FormatOf(RvmContainer? container) => container switch
    {
        RvmContainer.Mp4 => OutputFormat.Mp4,
        RvmContainer.Mov => OutputFormat.Mov,
        RvmContainer.Webm => OutputFormat.Webm,
        RvmContainer.Mkv => OutputFormat.Mkv,
        _ => null,
    };

    /// <summary>The outputs -Output asks for, composition first.</summary>
    internal static List<OutputKind> KindsOf(RvmOutput[] output) =>
        new[] { (RvmOutput.Composition, OutputKind.Composition), (RvmOutput.Alpha, OutputKind.Alpha), (RvmOutput.Foreground, OutputKind.Foreground) }
            .Where(k => output.Any(o => (o & k.Item1) != 0)).Select(k => k.Item2).ToList();

    private ConversionRequest BuildRequest(string input)
    {
        var request = new ConversionRequest
        {
            Input = input,
            PngSequence = OutputType == RvmOutputType.PngSequence,
            Background = _background,
            DownsampleRatio = DownsampleRatio,
            VideoBitrateMbps = VideoBitrate,
            Quality = Quality,
            HardwareVideo = HardwareVideo,
            ErrorTolerance = ErrorTolerance,
            MaxMemoryBytes = MaxMemory,
        };
        if (InputResize != null) (request.ResizeWidth, request.ResizeHeight) = (InputResize[0], InputResize[1]);
        request.ImageSequenceFrameRate = FrameRateParameter.Parse(FrameRate);

        bool explicitPaths = CompositionPath != null || AlphaPath != null || ForegroundPath != null;
        if (explicitPaths)
        {
            if (_inputs > 1) throw new ArgumentException("-CompositionPath, -AlphaPath and -ForegroundPath name the outputs of one input; use -Destination for several.");
            request.CompositionPath = CompositionPath != null ? ResolveOutputPath(CompositionPath) : null;
            request.AlphaPath = AlphaPath != null ? ResolveOutputPath(AlphaPath) : null;
            request.ForegroundPath = ForegroundPath != null ? ResolveOutputPath(ForegroundPath) : null;
            return request;
        }

        OutputNaming.NameOutputs(request, Destination, KindsOf(Output), FormatOf(Container));
        return request;
    }
}

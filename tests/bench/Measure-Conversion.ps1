<#
.SYNOPSIS
    One end-to-end conversion for the benchmark, in a process of its own so that its peak resident memory
    (VmHWM) is this conversion's alone. Writes its figures as JSON to -OutputPath.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Clip,
    [Parameter(Mandatory)] [double] $Ratio,
    [Parameter(Mandatory)] [int] $Frames,
    [Parameter(Mandatory)] [string] $OutputFolder,
    [Parameter(Mandatory)] [string] $OutputPath,
    [int] $ThreadCount = 0,
    # -1: the default (checkpoints every 30 s of video); 0: none.
    [int] $CheckpointFrames = -1,
    [int] $Segments = 1,
    # -1: the default pre-roll.
    [int] $PreRoll = -1,
    # The model's precision, as Import-RvmModel -Precision takes it.
    [string] $Precision = 'Fp32'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$model = Import-RvmModel -Device Cpu -ThreadCount $ThreadCount -Precision $Precision
$request = [Rvm.Matting.ConversionRequest]::new()
$request.Input = $Clip
$request.CompositionPath = Join-Path $OutputFolder 'composition.mp4'
$request.AlphaPath = Join-Path $OutputFolder 'alpha.mp4'
$request.DownsampleRatio = $Ratio
if ($CheckpointFrames -ge 0) { $request.CheckpointFrames = $CheckpointFrames }
$request.Segments = $Segments
if ($PreRoll -ge 0) { $request.PreRollFrames = $PreRoll }
$e = [Rvm.Diagnostics.ConversionBenchmark]::Measure($model, $request, $Frames)
# Resident memory over the frames, thinned to at most about 100 points (and the last) for the plot.
$samples = $e.ResidentSamples
$step = [math]::Max(1, [math]::Ceiling($samples.Count / 100))
$rss = for ($i = 0; $i -lt $samples.Count; $i++) {
    if ($i % $step -eq 0 -or $i -eq $samples.Count - 1) { , @($samples[$i].Frame, [math]::Round($samples[$i].Bytes / 1MB, 1)) }
}
[ordered]@{
    frames = $e.Result.FrameCount
    fps = $e.FramesPerSecond
    peak_rss_bytes = [Rvm.Diagnostics.ProcessMemory]::PeakResidentBytes()
    steady_alloc_bytes_per_frame = $e.SteadyAllocatedBytesPerFrame
    process_cpu_ms_per_frame = $e.ProcessCpuMsPerFrame
    ffmpeg_cpu_ms_per_frame = $e.FfmpegCpuMsPerFrame
    threads = $model.ThreadCount
    output_bytes = (Get-Item $request.CompositionPath).Length + (Get-Item $request.AlphaPath).Length
    segments = $e.Result.Segments
    rss_mb_by_frame = @($rss)
} | ConvertTo-Json -Depth 4 | Set-Content $OutputPath
$model.Dispose()

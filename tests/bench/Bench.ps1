<#
.SYNOPSIS
    Model-only benchmark of the default RVM model on this machine; run it with 'dotnet pwsh ./build.ps1 Bench'.
    Writes a table and a JSON file (artifacts/bench.json) with milliseconds per frame (median of 20 runs
    after warm-up), the thread count and the process's peak resident memory.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/Rvm/Rvm.psd1'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../../artifacts/bench.json'),
    [int] $Runs = 20,
    [int] $Warmup = 3,
    [int] $ThreadCount = 0
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$model = Import-RvmModel -Device Cpu -ThreadCount $ThreadCount
$sample = Join-Path $PSScriptRoot '../../samples/astronaut.jpg'
$work = Join-Path ([IO.Path]::GetTempPath()) "rvm-bench-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$cases = @(
    @{ Name = '1920x1080 r0.25'; Width = 1920; Height = 1080; Ratio = 0.25 }
    @{ Name = '1280x720 r0.375'; Width = 1280; Height = 720; Ratio = 0.375 }
)
try {
    $results = foreach ($c in $cases) {
        # A real picture scaled to the case's size (content barely changes the cost, but keep it real).
        $png = Join-Path $work "$($c.Width)x$($c.Height).png"
        & ffmpeg -v error -y -i $sample -vf "scale=$($c.Width):$($c.Height)" $png
        $frame = [Rvm.Imaging.ImageFileReader]::Read($png, 0)
        [Rvm.Diagnostics.ModelBenchmark]::Measure($model, $frame, $c.Ratio, $Warmup, $Runs, $c.Name)
    }
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

$peakMb = if (Test-Path /proc/self/status) {
    [math]::Round(([int]((Get-Content /proc/$PID/status | Select-String '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value)) / 1024, 1)
} else { [math]::Round((Get-Process -Id $PID).PeakWorkingSet64 / 1MB, 1) }

$report = [ordered]@{
    machine      = "$([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)"
    device       = $model.Device
    model        = $model.Source
    peak_rss_mb  = $peakMb
    cases        = @($results | ForEach-Object {
        [ordered]@{
            case = $_.Case; width = $_.Width; height = $_.Height; downsample_ratio = $_.DownsampleRatio
            runs = $_.Runs; threads = $_.Threads
            model_ms_median = [math]::Round($_.MedianMs, 1); model_ms_mean = [math]::Round($_.MeanMs, 1)
            model_ms_min = [math]::Round($_.MinMs, 1); model_ms_p90 = [math]::Round($_.P90Ms, 1)
            model_fps = [math]::Round($_.Fps, 2)
        }
    })
}
New-Item -ItemType Directory -Force (Split-Path $OutputPath) | Out-Null
$report | ConvertTo-Json -Depth 5 | Set-Content $OutputPath
$results | Format-Table Case, Width, Height, DownsampleRatio, Runs, Threads,
    @{ n = 'Median ms'; e = { '{0:0.0}' -f $_.MedianMs } }, @{ n = 'P90 ms'; e = { '{0:0.0}' -f $_.P90Ms } },
    @{ n = 'FPS'; e = { '{0:0.00}' -f $_.Fps } } | Out-String | Write-Host
Write-Host "Peak RSS: $peakMb MB. Written to $OutputPath"
$model.Dispose()

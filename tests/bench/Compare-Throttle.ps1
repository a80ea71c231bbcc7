<#
.SYNOPSIS
    Does converting several files at once pay on this machine? Four clips per size, total frames over wall time:
    one at a time on all threads, two at once with the threads divided (1 each on 2 cores), two at once on all
    threads each. Configurations interleaved per round; medians printed and written as JSON.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/Rvm/Rvm.psd1'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../../artifacts/throttle.json'),
    [int] $Rounds = 3,
    [int] $Frames1080 = 75,
    [int] $Frames360 = 150,
    # Only these sizes (1920x1080, 640x360) and configurations (Serial, Divided, AllThreads), for a re-run.
    [string[]] $Size = @('1920x1080', '640x360'),
    [string[]] $Config = @('Serial', 'Divided', 'AllThreads')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
. (Join-Path $PSScriptRoot 'Measure-Batch.ps1')

$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
$inputs = Join-Path $root 'artifacts/bench-inputs'
$work = Join-Path ([IO.Path]::GetTempPath()) "rvm-throttle-$PID"
New-Item -ItemType Directory -Force $inputs, $work | Out-Null
$shared = Join-Path $root '../shared/media/vtest-first20s.avi'
$source = if (Test-Path $shared) { $shared } else { Join-Path $root 'samples/street.mp4' }
function Get-Clip([int] $Width, [int] $Height, [int] $Count) {
    $path = Join-Path $inputs "clip-${Width}x${Height}-$Count.mp4"
    if (-not (Test-Path $path)) {
        & ffmpeg -v error -y -stream_loop -1 -i $source -frames:v $Count -vf "scale=${Width}:${Height}" -c:v libx264 -preset ultrafast -crf 20 -pix_fmt yuv420p $path
        if ($LASTEXITCODE -ne 0) { throw "Could not make $path" }
    }
    $path
}

try {
    $model = Import-RvmModel -Device Cpu
    $sizes = @(
        if ('1920x1080' -in $Size) { @{ Name = '1920x1080 r0.25'; Clip = (Get-Clip 1920 1080 $Frames1080); Ratio = 0.25 } }
        if ('640x360' -in $Size) { @{ Name = '640x360 r0.5'; Clip = (Get-Clip 640 360 $Frames360); Ratio = 0.5 } }
    )
    $configs = @(
        if ('Serial' -in $Config) { @{ Name = 'serial, all threads'; Limit = 1; Threads = 0 } }
        if ('Divided' -in $Config) { @{ Name = 'two at once, threads divided'; Limit = 2; Threads = 0 } }
        if ('AllThreads' -in $Config) { @{ Name = 'two at once, all threads each'; Limit = 2; Threads = $model.ThreadCount } }
    )
    $runs = foreach ($round in 1..$Rounds) {
        foreach ($s in $sizes) {
            foreach ($c in $configs) {
                $t = Measure-Batch $model (@($s.Clip) * 4) $s.Ratio $c.Limit $c.Threads -OutputFolder $work
                Write-Host ("round {0} {1,-16} {2,-30} {3,5} frames {4,7:0.0} s {5,6:0.00} fps {6,6:0.0} CPU-ms/frame (load {7})" -f $round, $s.Name, $c.Name, $t.Frames, $t.Seconds, $t.FramesPerSecond, $t.CpuMsPerFrame, (Get-Content /proc/loadavg -ErrorAction SilentlyContinue))
                [pscustomobject]@{ round = $round; size = $s.Name; config = $c.Name; limit = $t.ThrottleLimit; threads_each = $t.ThreadsEach; frames = $t.Frames; seconds = [math]::Round($t.Seconds, 2); fps = [math]::Round($t.FramesPerSecond, 3); cpu_ms_per_frame = [math]::Round($t.CpuMsPerFrame, 1) }
            }
        }
    }
    $summary = foreach ($g in $runs | Group-Object size, config) {
        [pscustomobject]@{
            size = $g.Group[0].size; config = $g.Group[0].config
            median_fps = Get-BatchMedian $g.Group.fps; median_cpu_ms_per_frame = Get-BatchMedian $g.Group.cpu_ms_per_frame
            fps_runs = ($g.Group.fps -join ' ')
        }
    }
    $summary | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    New-Item -ItemType Directory -Force (Split-Path $OutputPath) | Out-Null
    [ordered]@{
        machine = "$([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)"
        model_threads = $model.ThreadCount
        runs = @($runs); medians = @($summary)
    } | ConvertTo-Json -Depth 4 | Set-Content $OutputPath
    $model.Dispose()
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

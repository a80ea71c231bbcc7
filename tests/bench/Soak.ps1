<#
.SYNOPSIS
    Soak test of the promises unattended batches rely on (run by build.ps1 Bench, not by CI): many short
    conversions into one folder, stopped again and again at random with SIGTERM and SIGKILL and run again, as a
    scheduler would. At the end every input must be converted exactly once (its outputs made from it, never
    rewritten once made), no temporary may remain, and no ffmpeg started by these runs may be alive.
.OUTPUTS
    A hashtable of counts, also written as JSON to -OutputPath when given.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/Rvm/Rvm.psd1'),
    [int] $Inputs = 200,
    [int] $Seed = 9,
    # Runs stopped at random (half SIGTERM, half SIGKILL) before one is let finish.
    [int] $Stops = 24,
    [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
$shared = Join-Path $root '../shared/media/vtest-first20s.avi'
$source = if (Test-Path $shared) { $shared } else { Join-Path $root 'samples/street.mp4' }
$work = Join-Path ([IO.Path]::GetTempPath()) "rvm-soak-$PID"
$in = Join-Path $work 'in'
$out = Join-Path $work 'out'
New-Item -ItemType Directory -Force $in, $out | Out-Null
$random = [Random]::new($Seed)

# Short clips, each from its own place in the footage: 6 frames at 96x72.
& ffmpeg -v error -y -stream_loop -1 -i $source -vf 'scale=96:72' -r 10 -frames:v (6 * $Inputs) -c:v libx264 -preset ultrafast -g 6 -sc_threshold 0 -pix_fmt yuv420p (Join-Path $work 'all.mp4')
& ffmpeg -v error -y -i (Join-Path $work 'all.mp4') -c copy -f segment -segment_frames (@(1..($Inputs - 1) | ForEach-Object { 6 * $_ }) -join ',') -reset_timestamps 1 (Join-Path $in 'clip%03d.mp4')
$clips = @(Get-ChildItem $in -Filter *.mp4)
if ($clips.Count -ne $Inputs) { throw "Made $($clips.Count) clips, not $Inputs." }

function Get-Descendants([int] $Root) {
    $parents = @{}
    foreach ($d in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
        try { $parents[[int]$d.Name] = [int](((Get-Content -Raw "/proc/$($d.Name)/stat" -ErrorAction Stop) -replace '^.*\) ', '' -split ' ')[1]) } catch { }
    }
    $found = [Collections.Generic.List[int]]::new()
    $queue = [Collections.Generic.Queue[int]]::new()
    $queue.Enqueue($Root)
    while ($queue.Count) { $p = $queue.Dequeue(); foreach ($c in $parents.Keys | Where-Object { $parents[$_] -eq $p }) { $found.Add($c); $queue.Enqueue($c) } }
    , $found.ToArray()
}

$exe = (Get-Process -Id $PID).Path
$command = "Import-Module '$ModulePath'; Get-ChildItem '$in' -Filter *.mp4 | Convert-RvmVideo -Destination '$out' -Output Composition, Alpha -SkipExisting -Device Cpu -ErrorAction Continue | Out-Null"
$counts = [ordered]@{ inputs = $Inputs; runs = 0; sigterm = 0; sigkill = 0; finished_runs = 0; exit_143 = 0; leftovers_seen_after_sigkill = 0;
    orphan_ffmpeg = 0; outputs_rewritten = 0; outputs_missing = 0; outputs_from_wrong_input = 0; extra_files = 0; temporaries_at_end = 0 }
$firstSeen = @{}
$ffmpegSeen = [Collections.Generic.HashSet[int]]::new()
$done = $false
while (-not $done) {
    $counts.runs++
    $info = [Diagnostics.ProcessStartInfo]::new($exe)
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in @('-NoProfile', '-NonInteractive', '-Command', $command)) { $info.ArgumentList.Add($a) }
    $child = [Diagnostics.Process]::Start($info)
    # Runs are stopped at random points after a few more outputs appeared (so the machine's speed does not decide
    # where), anywhere from start-up to mid-commit; the last run is let finish.
    $stop = $counts.sigterm + $counts.sigkill -lt $Stops
    $target = @(Get-ChildItem $out -File).Count + 2 * $random.Next(3)
    $stopAt = $null
    while (-not $child.HasExited) {
        $descendants = Get-Descendants $child.Id
        foreach ($d in $descendants) { if ((Get-Content "/proc/$d/comm" -ErrorAction SilentlyContinue) -eq 'ffmpeg') { [void]$ffmpegSeen.Add($d) } }
        if ($stop -and -not $stopAt -and @(Get-ChildItem $out -File).Count -ge $target) { $stopAt = (Get-Date).AddMilliseconds($random.Next(2000)) }
        if ($stopAt -and (Get-Date) -ge $stopAt) { break }
        Start-Sleep -Milliseconds 50
    }
    if (-not $child.HasExited) {
        $kill = $random.Next(2) -eq 0
        if ($kill) { $counts.sigkill++; & kill -KILL $child.Id } else { $counts.sigterm++; & kill -TERM $child.Id }
        $child.WaitForExit(30000) | Out-Null
        if (-not $kill -and $child.ExitCode -eq 143) { $counts.exit_143++ }
        if ($kill -and @(Get-ChildItem $out -Force -Filter '.*.rvm-*').Count) { $counts.leftovers_seen_after_sigkill++ }
    }
    else {
        $counts.finished_runs++
        $done = $true
    }
    # Orphans of a SIGKILL end by themselves when their pipes close; give them a moment.
    $until = (Get-Date).AddSeconds(10)
    while ((Get-Date) -lt $until -and @($ffmpegSeen | Where-Object { Test-Path "/proc/$_" }).Count) { Start-Sleep -Milliseconds 100 }
    $counts.orphan_ffmpeg += @($ffmpegSeen | Where-Object { Test-Path "/proc/$_" }).Count
    $ffmpegSeen.Clear()
    # A finished output is never written again: its identity and time stay what they were when first seen.
    foreach ($f in Get-ChildItem $out -File) {
        $stamp = "$($f.LastWriteTimeUtc.Ticks)/$($f.Length)"
        if (-not $firstSeen.ContainsKey($f.Name)) { $firstSeen[$f.Name] = $stamp }
        elseif ($firstSeen[$f.Name] -ne $stamp) { $counts.outputs_rewritten++; $firstSeen[$f.Name] = $stamp }
    }
}

foreach ($clip in $clips) {
    foreach ($kind in 'composition', 'alpha') {
        $path = Join-Path $out "$($clip.BaseName).$kind.mp4"
        if (-not (Test-Path $path)) { $counts.outputs_missing++; continue }
        $tag = & ffprobe -v error -show_entries format_tags=comment -of default=nw=1:nk=1 $path
        if ($tag -notlike "*kind=$kind source=..%2Fin%2F$($clip.Name)") { $counts.outputs_from_wrong_input++ }
    }
}
$counts.extra_files = @(Get-ChildItem $out -File).Count - 2 * $Inputs + $counts.outputs_missing
$counts.temporaries_at_end = @(Get-ChildItem $out -Force -Filter '.*.rvm-*').Count
$counts.ok = $counts.outputs_missing -eq 0 -and $counts.outputs_from_wrong_input -eq 0 -and $counts.outputs_rewritten -eq 0 -and
    $counts.extra_files -eq 0 -and $counts.temporaries_at_end -eq 0 -and $counts.orphan_ffmpeg -eq 0 -and $counts.exit_143 -eq $counts.sigterm
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
if ($OutputPath) { $counts | ConvertTo-Json | Set-Content $OutputPath }
$counts

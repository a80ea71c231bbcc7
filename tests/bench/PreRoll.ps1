<#
.SYNOPSIS
    How much pre-roll a segment needs (issue 12): a video converted as segments, each after the first started
    P frames early to warm RVM's recurrent state, against the same video in one piece. Alpha MAE per frame after
    each boundary on [0, 1], for P in -PreRolls, with and without a crossfade of -Overlaps frames.
    Writes artifacts/preroll.json (every frame's MAE) and artifacts/preroll.md (the tables), and prints them.
.NOTES
    Clips, made deterministically with ffmpeg into a temporary folder (lossless FFV1, planar RGB):
      vtest    the shared street scene, 200 frames, 768x576 at 10 fps; split at frame 100.
      pan      the shared astronaut picture, doubled to 1024x1024, under a 768x576 window panning corner to
               corner over 10 s at 30 fps (300 frames); split at frame 150 and, separately, at 200, nearer its
               last 3 s (the suit and helmet, no face), where alpha depends most on the state.
      cut      vtest's first 5 s, then a 5 s pan at 10 fps (the cut before frame 50); split 4 frames after the
               cut (54) and, separately, in the second shot (75), where a long pre-roll starts before the cut.
    The default model on the CPU at the conversion's automatic downsample ratio (0.667 at 768x576).
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/Rvm/Rvm.psd1'),
    [string] $OutputFolder = (Join-Path $PSScriptRoot '../../artifacts'),
    [int[]] $PreRolls = @(0, 8, 15, 30, 60, 90, 120),
    [int[]] $Overlaps = @(8, 15, 30),
    [int] $ThreadCount = 0
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
$media = Join-Path $root '../shared/media'
$work = Join-Path ([IO.Path]::GetTempPath()) "rvm-preroll-$PID"
New-Item -ItemType Directory -Force $work, $OutputFolder | Out-Null
$width = 768
$height = 576
# Network frames a second at 1080p, to put a pre-roll's cost in seconds.
$networkFps1080p = 12

function Invoke-Ffmpeg([string[]] $Arguments) {
    & ffmpeg -v error -y @Arguments
    if ($LASTEXITCODE -ne 0) { throw "ffmpeg failed: $($Arguments -join ' ')" }
}

# The astronaut under a moving window: integer crop offsets from t, so every run makes the same frames.
function New-Pan([string] $Path, [int] $Rate, [int] $Seconds) {
    $crop = "crop=${width}:${height}:x='(1024-$width)*t/$Seconds':y='(1024-$height)*t/$Seconds'"
    Invoke-Ffmpeg @('-loop', '1', '-framerate', $Rate, '-t', $Seconds, '-i', (Join-Path $media 'astronaut.png'),
        '-vf', "scale=1024:1024:flags=lanczos,$crop,format=gbrp", '-c:v', 'ffv1', $Path)
}

try {
    $vtest = Join-Path $media 'vtest-first20s.avi'
    $pan = Join-Path $work 'pan.mkv'
    New-Pan $pan 30 10
    $shortPan = Join-Path $work 'pan-10fps.mkv'
    New-Pan $shortPan 10 5
    $cut = Join-Path $work 'cut.mkv'
    Invoke-Ffmpeg @('-t', 5, '-i', $vtest, '-i', $shortPan, '-filter_complex',
        "[0:v]scale=${width}:${height},format=gbrp,setsar=1[a];[1:v]format=gbrp,setsar=1[b];[a][b]concat=n=2:v=1[v]",
        '-map', '[v]', '-c:v', 'ffv1', $cut)

    $resolved = [Rvm.Models.ModelResolver]::new([Rvm.Models.ModelCache]::Default(), $null).Resolve([Rvm.Models.ModelRequest]::new(), [Threading.CancellationToken]::None)
    $settings = [Rvm.Inference.SessionSettings]::new()
    $settings.Device = 'Cpu'
    $settings.ThreadCount = $ThreadCount
    $model = [Rvm.Inference.RvmModel]::Load($resolved, $settings, $null)

    $studies = @(
        @{ Clip = 'vtest'; Path = $vtest; Boundary = 100 }
        @{ Clip = 'pan'; Path = $pan; Boundary = 150 }
        @{ Clip = 'pan, late split'; Path = $pan; Boundary = 200 }
        @{ Clip = 'cut, 4 after the cut'; Path = $cut; Boundary = 54 }
        @{ Clip = 'cut, mid second shot'; Path = $cut; Boundary = 75 }
    )
    $rows = foreach ($s in $studies) {
        Write-Host "$($s.Clip): split at frame $($s.Boundary)..."
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = [Rvm.Diagnostics.PreRollStudy]::Run($model, $s.Path, $width, $height, [int[]]@($s.Boundary), $PreRolls, $Overlaps,
            $null, [int]::MaxValue, [Threading.CancellationToken]::None)
        Write-Host "  $([math]::Round($clock.Elapsed.TotalSeconds)) s"
        foreach ($r in $results) {
            [ordered]@{
                clip = $s.Clip; frames = $r.Frames; boundary = $s.Boundary; pre_roll = $r.PreRoll; overlap = $r.Overlap
                mean_mae = $r.MeanMae; worst_mae = $r.WorstMae; worst_after_boundary = $r.WorstAfterBoundary
                frames_above_2e3 = $r.FramesAboveTarget; never_settled = $r.NeverSettled
                frame_mae = @($r.FrameMae | ForEach-Object { [double]$_.ToString('G4') })
            }
        }
    }
    $modelSource = $model.Source
    $model.Dispose()

    $e = { param($v) $v.ToString('0.00E+0', [Globalization.CultureInfo]::InvariantCulture) }
    $above = { param($r) if ($r.never_settled) { "$($r.frames_above_2e3) (to the end)" } else { "$($r.frames_above_2e3)" } }
    $lines = @(
        '| clip | P | mean MAE | worst frame MAE (frame after boundary) | frames after boundary above 2e-3 | P at 1080p, 12 fps |'
        '| --- | ---: | ---: | ---: | ---: | ---: |'
        foreach ($r in $rows | Where-Object overlap -eq 0) {
            "| $($r.clip) | $($r.pre_roll) | $(& $e $r.mean_mae) | $(& $e $r.worst_mae) (+$($r.worst_after_boundary)) | $(& $above $r) | $([math]::Round($r.pre_roll / $networkFps1080p, 1)) s |"
        }
        ''
        '| clip | P | crossfade W | mean MAE | worst frame MAE (frame after boundary) | frames after boundary above 2e-3 |'
        '| --- | ---: | ---: | ---: | ---: | ---: |'
        foreach ($r in $rows | Where-Object overlap -ne 0) {
            "| $($r.clip) | $($r.pre_roll) | $($r.overlap) | $(& $e $r.mean_mae) | $(& $e $r.worst_mae) (+$($r.worst_after_boundary)) | $(& $above $r) |"
        }
    )
    $report = [ordered]@{
        machine = "$([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)"
        model = $modelSource
        size = "${width}x${height}"
        targets = 'mean alpha MAE <= 2e-3 over the video, <= 2e-2 on its worst frame'
        studies = @($rows)
    }
    $report | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $OutputFolder 'preroll.json')
    $lines | Set-Content (Join-Path $OutputFolder 'preroll.md')
    $lines | Write-Host
    Write-Host "Written to $(Join-Path $OutputFolder 'preroll.json') and preroll.md"
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

<#
.SYNOPSIS
    Times the TensorFlow.js reference (the project's shared reference/rvm-reference.js, wasm backend), the peer a
    user could pick, on the first frame of a clip repeated, the recurrent state carried from frame to frame.
    Returns a hashtable: ms_per_frame (null when not measured, with reason saying why), backend, frames, ms_by_frame.
.NOTES
    Method: rvm-reference.js times each frame itself, from model.executeAsync to fgr and pha read back (the frame's
    upload into a tensor and the writing of its outputs are not timed), and writes the times to meta.json as
    ms_per_frame. The first -WarmupFrames are dropped (the wasm kernels are set up, and the state starts at zeros);
    ms_per_frame here is the median of the -TimedFrames after them. At 1080p a frame takes 2-3 s, so the defaults
    (1 + 3 frames) take about 12 s, plus the reference's one-off install.
    The reference is copied out of the shared folder (never changed there) into -InstallFolder and installed with
    'npm ci' from its package-lock.json; the copy is kept and reused while its package-lock.json is unchanged.
    The model is RVM's official TensorFlow.js export that the module's resolver keeps in its cache (the same file
    the module converts), so nothing is downloaded again.
    Without node or npm, or when anything fails, ms_per_frame is null and reason says why: the benchmark goes on.
    -MetaPath only summarises an existing meta.json (from this script, or the reference run by hand).
#>
[CmdletBinding(DefaultParameterSetName = 'Run')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Run')] [string] $Clip,
    [Parameter(Mandatory, ParameterSetName = 'Run')] [int] $Width,
    [Parameter(Mandatory, ParameterSetName = 'Run')] [int] $Height,
    [Parameter(Mandatory, ParameterSetName = 'Run')] [double] $Ratio,
    [Parameter(Mandatory, ParameterSetName = 'Run')] [string] $WorkFolder,
    # The folder with rvm.json and rvm.bin; by default the module's cached export (the module must be imported).
    [Parameter(ParameterSetName = 'Run')] [string] $ModelFolder,
    [Parameter(ParameterSetName = 'Run')] [string] $ReferenceSource = (Join-Path $PSScriptRoot '../../../shared/reference'),
    [Parameter(ParameterSetName = 'Run')] [string] $InstallFolder = (Join-Path $PSScriptRoot '../../artifacts/bench-inputs/tfjs-reference'),
    [Parameter(ParameterSetName = 'Run')] [string] $Backend = 'wasm',
    [Parameter(Mandatory, ParameterSetName = 'Meta')] [string] $MetaPath,
    [int] $WarmupFrames = 1,
    [int] $TimedFrames = 3
)
$ErrorActionPreference = 'Stop'

# The median of the frames after the warm-up, from the reference's meta.json.
function Get-TfjsTiming([string] $Path) {
    $meta = Get-Content -Raw -LiteralPath $Path | ConvertFrom-Json
    $all = @($meta.ms_per_frame | ForEach-Object { [double] $_ })
    $timed = @($all | Select-Object -Skip $WarmupFrames)
    if ($timed.Count -lt 1) { throw "$Path has $($all.Count) frame times; $WarmupFrames warm-up frames leave none to time." }
    $sorted = @($timed | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    $median = if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
    [ordered]@{
        ms_per_frame = $median
        backend = $meta.backend
        width = $meta.width; height = $meta.height; downsample_ratio = $meta.downsample_ratio
        warmup_frames = $all.Count - $timed.Count; timed_frames = $timed.Count
        ms_by_frame = $all
        reason = $null
    }
}

function Invoke-Logged([string] $What, [string] $Log, [scriptblock] $Command) {
    & $Command *> $Log
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE): $((Get-Content -Tail 5 $Log) -join ' | ')" }
}

# The reference installed once into its own copy, and again only when its package-lock.json changes.
function Install-Reference {
    $lock = Join-Path $ReferenceSource 'package-lock.json'
    if (-not (Test-Path $lock)) { throw "The TensorFlow.js reference is not at $ReferenceSource (no package-lock.json)." }
    $installedLock = Join-Path $InstallFolder 'package-lock.json'
    $wasm = Join-Path $InstallFolder 'node_modules/@tensorflow/tfjs-backend-wasm'
    if ((Test-Path $wasm) -and (Test-Path $installedLock) -and
        (Get-FileHash $lock).Hash -eq (Get-FileHash $installedLock).Hash) { return }
    Remove-Item $InstallFolder -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $InstallFolder | Out-Null
    Get-ChildItem -File $ReferenceSource | Copy-Item -Destination $InstallFolder
    Push-Location $InstallFolder
    try { Invoke-Logged 'npm ci (the TensorFlow.js reference)' (Join-Path $InstallFolder 'npm-ci.log') { npm ci --no-audit --no-fund } }
    finally { Pop-Location }
}

if ($PSCmdlet.ParameterSetName -eq 'Meta') { return Get-TfjsTiming $MetaPath }

$frames = $WarmupFrames + $TimedFrames
$folder = Join-Path $WorkFolder "tfjs-$PID"
try {
    foreach ($tool in 'node', 'npm') {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
            throw "$tool was not found on PATH (build.ps1 Bootstrap installs nodejs and npm on Debian; elsewhere install Node.js with npm)."
        }
    }
    if (-not $ModelFolder) {
        $ModelFolder = [Rvm.Models.ModelResolver]::new([Rvm.Models.ModelCache]::Default(), $null).TfjsExportFolder([Threading.CancellationToken]::None)
    }
    Install-Reference
    New-Item -ItemType Directory -Force $folder | Out-Null
    $first = Join-Path $folder 'first.rgb'
    Invoke-Logged "ffmpeg (the first frame of $Clip)" (Join-Path $folder 'ffmpeg.log') {
        ffmpeg -nostdin -v error -y -i $Clip -frames:v 1 -f rawvideo -pix_fmt rgb24 $first
    }
    $bytes = [IO.File]::ReadAllBytes($first)
    if ($bytes.Length -ne $Width * $Height * 3) { throw "The first frame of $Clip is $($bytes.Length) bytes, not ${Width}x${Height} rgb24." }
    $framesPath = Join-Path $folder 'frames.rgb'
    $stream = [IO.File]::Create($framesPath)
    try { for ($i = 0; $i -lt $frames; $i++) { $stream.Write($bytes, 0, $bytes.Length) } }
    finally { $stream.Dispose() }
    $out = Join-Path $folder 'out'
    Invoke-Logged 'The TensorFlow.js reference' (Join-Path $folder 'reference.log') {
        node (Join-Path $InstallFolder 'rvm-reference.js') --model $ModelFolder --input $framesPath --width $Width --height $Height `
            --ratio $Ratio --backend $Backend --out $out
    }
    Get-TfjsTiming (Join-Path $out 'meta.json')
}
catch {
    [ordered]@{
        ms_per_frame = $null; backend = $Backend; width = $Width; height = $Height; downsample_ratio = $Ratio
        warmup_frames = $WarmupFrames; timed_frames = 0; ms_by_frame = @(); reason = "$_"
    }
}
finally {
    Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
}

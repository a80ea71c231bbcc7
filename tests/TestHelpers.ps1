# Shared by the Pester tests: imports the built module and compares pictures quickly (compiled C#).
$script:RepoRoot = Split-Path $PSScriptRoot
$script:ModulePath = if ($env:RVM_MODULE_PATH) { $env:RVM_MODULE_PATH } else { Join-Path $RepoRoot 'out/Rvm/Rvm.psd1' }
$script:GoldenRoot = Join-Path $PSScriptRoot 'golden'
Import-Module $ModulePath -Force

if (-not ('RvmTests.Pixels' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
namespace RvmTests {
    public static class Pixels {
        /// Mean and max absolute difference; foreground compared only where the reference alpha is above 0.
        public static double[] Compare(float[] expected, float[] actual, float[] mask, int channels) {
            if (expected.Length != actual.Length) throw new ArgumentException("length " + expected.Length + " vs " + actual.Length);
            double sum = 0, max = 0; long n = 0;
            for (int i = 0; i < expected.Length; i++) {
                if (mask != null && mask[i / channels] <= 0) continue;
                double d = Math.Abs(expected[i] - actual[i]);
                sum += d; if (d > max) max = d; n++;
            }
            return new double[] { n == 0 ? 0 : sum / n, max, n };
        }
        public static float[] FromUInt16(byte[] bytes) {
            var r = new float[bytes.Length / 2];
            for (int i = 0; i < r.Length; i++) r[i] = BitConverter.ToUInt16(bytes, 2 * i) / 65535f;
            return r;
        }
        public static float[] FromBytes(byte[] bytes) {
            var r = new float[bytes.Length];
            for (int i = 0; i < r.Length; i++) r[i] = bytes[i] / 255f;
            return r;
        }
    }
}
'@
}

# Decodes a picture with ffmpeg to raw bytes in the given pixel format (gray, rgb24, rgba, gray16le, rgb48le).
function Read-RawPixels([string] $Path, [string] $PixelFormat) {
    $tmp = [IO.Path]::GetTempFileName()
    try {
        & ffmpeg -v error -y -i $Path -f rawvideo -pix_fmt $PixelFormat $tmp
        if ($LASTEXITCODE -ne 0) { throw "ffmpeg could not decode $Path" }
        , [IO.File]::ReadAllBytes($tmp)   # one array, not a stream of bytes
    }
    finally { Remove-Item $tmp -Force }
}

function Read-Golden16([string] $Path, [string] $PixelFormat) {
    [RvmTests.Pixels]::FromUInt16((Read-RawPixels $Path $PixelFormat))
}

function Get-Probe([string] $Path) {
    & ffprobe -v error -show_streams -show_format -of json $Path | ConvertFrom-Json
}

# Runs a fresh pwsh of this version with a command line; the dotnet tool runs as 'dotnet pwsh.dll'.
function Invoke-ChildPwsh([string] $Command) {
    $exe = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { & $exe (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $Command }
    else { & $exe -NoProfile -NonInteractive -Command $Command }
}

# The footage the video fixtures are cut from: the shared media beside the checkout, else the bundled sample.
function Get-SourceVideo {
    $shared = Join-Path $RepoRoot '../shared/media/vtest-first20s.avi'
    if (Test-Path $shared) { $shared } else { Join-Path $RepoRoot 'samples/street.mp4' }
}

# Runs a fresh pwsh of this version with the given arguments (e.g. -File script.ps1 ...); with -Environment, in
# exactly that environment, as a scheduler or a clean login would start it (ProcessStartInfo, so it runs the same
# on Windows, where Windows itself needs SystemRoot). Emits the child's stdout lines; its stderr goes to the
# information stream; $LASTEXITCODE is its exit code.
function Invoke-Pwsh([string[]] $ArgumentList, [hashtable] $Environment) {
    $exe = (Get-Process -Id $PID).Path
    $command = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @($exe, (Join-Path $PSHOME 'pwsh.dll')) } else { @($exe) }
    $command += @('-NoProfile', '-NonInteractive') + $ArgumentList
    if (-not $Environment) {
        & $command[0] @($command | Select-Object -Skip 1)
        return
    }
    $info = [Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($argument in $command | Select-Object -Skip 1) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.StandardOutputEncoding = [Text.Encoding]::UTF8
    $info.StandardErrorEncoding = [Text.Encoding]::UTF8
    $info.Environment.Clear()
    foreach ($pair in $Environment.GetEnumerator()) { $info.Environment[$pair.Key] = [string]$pair.Value }
    if ($IsWindows -and -not $Environment.ContainsKey('SystemRoot')) { $info.Environment['SystemRoot'] = $env:SystemRoot }
    $process = [Diagnostics.Process]::Start($info)
    try {
        $stderr = $process.StandardError.ReadToEndAsync()
        while ($null -ne ($line = $process.StandardOutput.ReadLine())) { $line }
        $process.WaitForExit()
        if ($stderr.Result) { Write-Information $stderr.Result }
        $global:LASTEXITCODE = $process.ExitCode
    }
    finally { $process.Dispose() }
}

# A pwsh of this version converting in the background, as a scheduler would start it.
function Start-Conversion([string] $Command) {
    $exe = (Get-Process -Id $PID).Path
    $info = [Diagnostics.ProcessStartInfo]::new($exe)
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; $Command")) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardError = $true
    $info.RedirectStandardOutput = $true
    [Diagnostics.Process]::Start($info)
}

# A 40-frame 320x240 H.264 clip of the footage at $CleanPath, and at $Path a copy with 4 KB in the middle
# overwritten by seeded garbage (the same bytes on every run): damage that ffmpeg plays past.
function New-DamagedClip([string] $Path, [string] $CleanPath) {
    & ffmpeg -v error -y -i (Get-SourceVideo) -frames:v 40 -vf scale=320:240 -an -c:v libx264 -pix_fmt yuv420p $CleanPath
    if ($LASTEXITCODE -ne 0) { throw "Could not make $CleanPath" }
    $bytes = [IO.File]::ReadAllBytes($CleanPath)
    $garbage = [byte[]]::new(4096)
    [Random]::new(9).NextBytes($garbage)
    [Array]::Copy($garbage, 0, $bytes, [int]($bytes.Length / 2), $garbage.Length)
    [IO.File]::WriteAllBytes($Path, $bytes)
}

# The processes named $Name that descend from $Root (by default this process): what a test started itself, through
# the module or a thread job, and never other work on the machine (another conversion, another engineer's tests).
# Linux reads each parent from /proc/<pid>/stat; elsewhere from PowerShell's Process.Parent.
function Get-OwnProcess([string] $Name, [int] $Root = $PID) {
    $parentOf = @{}
    if ($IsLinux) {
        foreach ($dir in [IO.Directory]::GetDirectories('/proc')) {
            $id = 0
            if (-not [int]::TryParse([IO.Path]::GetFileName($dir), [ref] $id)) { continue }
            try { $stat = [IO.File]::ReadAllText("$dir/stat") } catch { continue }   # gone meanwhile
            # "pid (command) state ppid ...": the command may hold spaces and parentheses, so read after the last ')'.
            $parentOf[$id] = [int]$stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')[1]
        }
    }
    else { foreach ($p in Get-Process) { if ($p.Parent) { $parentOf[$p.Id] = $p.Parent.Id } } }
    @(Get-Process -Name $Name -ErrorAction SilentlyContinue | Where-Object {
        $id = $_.Id
        for ($depth = 0; $depth -lt 64 -and $parentOf.ContainsKey($id); $depth++) {
            $id = $parentOf[$id]
            if ($id -eq $Root) { return $true }
        }
        $false
    })
}

# How many of this process's own $Name processes are left once they have had up to $Seconds to exit: a stopped
# ffmpeg takes a moment to go (0.02 to 0.06 s here), and a leak stays.
function Get-OwnProcessCountAfter([string] $Name, [double] $Seconds = 5) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (($count = @(Get-OwnProcess $Name).Count) -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    $count
}

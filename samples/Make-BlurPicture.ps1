#requires -Version 7
# Regenerates docs/background-blur.jpg, the README's picture of -Background Blur: samples/astronaut.jpg as it is,
# and converted with -Background Blur (default model, CPU), side by side.
# Run after `build.ps1 Build`: dotnet pwsh ./samples/Make-BlurPicture.ps1
param([string] $ModulePath = (Join-Path $PSScriptRoot '../out/Rvm/Rvm.psd1'), [int] $BlurRadius = 12)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
$work = Join-Path ([IO.Path]::GetTempPath()) "rvm-blur-picture-$PID"
# A folder of one picture converts as a one-frame sequence.
$still = Join-Path $work 'astronaut'
New-Item -ItemType Directory $still | Out-Null
try {
    $source = Join-Path $root 'samples/astronaut.jpg'
    Copy-Item $source $still
    $model = Import-RvmModel -Device Cpu
    Convert-RvmVideo -LiteralPath $still -Model $model -OutputType PngSequence -Background Blur -BlurRadius $BlurRadius -Destination $work | Out-Null
    $model.Dispose()
    $target = Join-Path $root 'docs/background-blur.jpg'
    & ffmpeg -v error -y -i $source -i (Join-Path $work 'astronaut.composition/0000.png') -filter_complex '[0:v]pad=iw+4:ih:0:0:white[a];[a][1:v]hstack=inputs=2' -frames:v 1 -q:v 4 $target
    if ($LASTEXITCODE -ne 0) { throw 'ffmpeg could not make the picture.' }
    Get-Item $target
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

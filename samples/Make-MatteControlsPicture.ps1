#requires -Version 7
# Regenerates docs/matte-controls.png, the README's picture of the matte controls: the same crop of the astronaut's
# matte (samples/astronaut.jpg, default model, CPU) as the network makes it and with each control, side by side.
# Run after `build.ps1 Build`: dotnet pwsh ./samples/Make-MatteControlsPicture.ps1
param([string] $ModulePath = (Join-Path $PSScriptRoot '../out/Rvm/Rvm.psd1'))
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
$work = Join-Path ([IO.Path]::GetTempPath()) "rvm-matte-picture-$PID"
New-Item -ItemType Directory $work | Out-Null
try {
    $model = Import-RvmModel -Device Cpu
    $frame = Invoke-RvmFrame -LiteralPath (Join-Path $root 'samples/astronaut.jpg') -Model $model
    $model.Dispose()
    # Left to right: as made, -MatteThreshold 0.3,0.7, -MatteGrow 4, -MatteGrow -4, -MatteFeather 3.
    $panels = @(
        @{}
        @{ MatteThreshold = 0.3, 0.7 }
        @{ MatteGrow = 4 }
        @{ MatteGrow = -4 }
        @{ MatteFeather = 3 }
    )
    $inputs = for ($i = 0; $i -lt $panels.Count; $i++) {
        $png = Join-Path $work "$i.png"
        $controls = $panels[$i]
        $frame | Save-RvmFrame -AlphaPath $png @controls | Out-Null
        '-i', $png
    }
    # A 96x96 crop of the head, neck and shoulder edges, each panel scaled 2x without smoothing to show the pixels.
    $crop = (0..($panels.Count - 1) | ForEach-Object { "[$($_):v]crop=96:96:70:70,scale=192:192:flags=neighbor,pad=196:192:0:0:gray[p$_]" }) -join ';'
    $stack = ((0..($panels.Count - 1) | ForEach-Object { "[p$_]" }) -join '') + "hstack=inputs=$($panels.Count)"
    $target = Join-Path $root 'docs/matte-controls.png'
    & ffmpeg -v error -y @inputs -filter_complex "$crop;$stack" -frames:v 1 -pix_fmt gray $target
    if ($LASTEXITCODE -ne 0) { throw 'ffmpeg could not make the picture.' }
    Get-Item $target
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

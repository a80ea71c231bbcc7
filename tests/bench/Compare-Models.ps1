<#
.SYNOPSIS
    The network alone (as Bench.ps1's model-only case) for converted models in one process, interleaved: A, B, A,
    B, keeping the faster median of each, so that conversions of the same weights are compared on equal terms.
.DESCRIPTION
    Each model is an ONNX file with its coefficient cut beside it (name.coefficients.onnx), as the conversion
    cache writes them. Prints one row per model; -OutputPath writes them as JSON too.
.EXAMPLE
    dotnet pwsh tests/bench/Compare-Models.ps1 -Path ~/.cache/rvm/converted/rvm_tfjs_8f02669a9b66cb3a.onnx, /tmp/home/converted/rvm_tfjs_fab7746d1f612b29.onnx -Name v5, v6
#>
param(
    [Parameter(Mandatory)] [string[]] $Path,
    # A label per path (default: the file names).
    [string[]] $Name,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/Rvm/Rvm.psd1'),
    [int] $Width = 1920,
    [int] $Height = 1080,
    [double] $Ratio = 0.25,
    [int] $Runs = 20,
    # Interleaved rounds; the faster median of each model is kept.
    [int] $Rounds = 2,
    [int] $ThreadCount = 0,
    [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Import-Converted([string] $Path) {
    $onnx = (Resolve-Path $Path).Path
    $coefficients = [IO.Path]::ChangeExtension($onnx, '.coefficients.onnx')
    if (-not (Test-Path $coefficients)) { throw "No coefficient cut beside '$onnx'." }
    $resolved = [Rvm.Models.ResolvedModel]::new($onnx, "file '$onnx'", '', 'MobileNetV3', 'Fp32', $coefficients, $null)
    $s = [Rvm.Inference.SessionSettings]::new()
    $s.Device = 'Cpu'
    $s.ThreadCount = $ThreadCount
    [Rvm.Inference.RvmModel]::Load($resolved, $s, $null)
}

$frame = [Rvm.Imaging.ImageFileReader]::Read((Join-Path $PSScriptRoot '../../samples/street.mp4'), 0, $Width, $Height)
if (-not $Name) { $Name = $Path | ForEach-Object { Split-Path -Leaf $_ } }
if ($Name.Count -ne $Path.Count) { throw 'Give one -Name per -Path.' }
$models = [ordered]@{}
for ($i = 0; $i -lt $Path.Count; $i++) { $models[$Name[$i]] = Import-Converted $Path[$i] }
try {
    $best = @{}
    foreach ($round in 1..$Rounds) {
        foreach ($label in $models.Keys) {
            $t = [Rvm.Diagnostics.ModelBenchmark]::Measure($models[$label], $frame, $Ratio, 3, $Runs, $label)
            Write-Host ("round {0} {1}: median {2:N1} ms" -f $round, $label, $t.MedianMs)
            if (-not $best[$label] -or $t.MedianMs -lt $best[$label].MedianMs) { $best[$label] = $t }
        }
    }
    $rows = foreach ($label in $models.Keys) {
        $t = $best[$label]
        [pscustomobject][ordered]@{
            model = $label; case = "${Width}x${Height} r$Ratio"; threads = $t.Threads
            median_ms = [math]::Round($t.MedianMs, 1); fps = [math]::Round($t.Fps, 2)
            min_ms = [math]::Round($t.MinMs, 1); p90_ms = [math]::Round($t.P90Ms, 1); cpu_ms_per_run = [math]::Round($t.CpuMsPerRun, 1)
        }
    }
    $rows | Format-Table -AutoSize | Out-Host
    if ($OutputPath) { $rows | ConvertTo-Json | Set-Content -LiteralPath $OutputPath }
}
finally {
    foreach ($m in $models.Values) { $m.Dispose() }
}

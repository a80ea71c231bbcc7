<#
.SYNOPSIS
    Where ONNX Runtime's time goes in a converted coefficient model: its profiler over -Runs runs at the network's
    resolution (src_sm), summed per node, with the share of the convolutions that ONNX Runtime left outside its
    blocked NCHWc kernels (their names do not end in _nchwc after its optimisations).
.EXAMPLE
    dotnet pwsh tests/bench/Profile-Model.ps1 -Model ~/.cache/rvm/converted/rvm_tfjs_8f02669a9b66cb3a.coefficients.onnx
#>
param(
    [Parameter(Mandatory)] [string] $Model,
    # The module's folder, for ONNX Runtime's managed and native libraries.
    [string] $ModuleFolder = (Join-Path $PSScriptRoot '../../out/Rvm'),
    # 1920x1080 at ratio 0.25.
    [int] $Width = 480,
    [int] $Height = 270,
    [int] $Runs = 20,
    [int] $ThreadCount = 2,
    [int] $Top = 12,
    # Also lists the nodes whose names match this pattern (e.g. 'Conv_725'), and their sum.
    [string] $Match
)

$ErrorActionPreference = 'Stop'
Add-Type -LiteralPath (Join-Path $ModuleFolder 'Microsoft.ML.OnnxRuntime.dll')
$prefix = Join-Path ([IO.Path]::GetTempPath()) "rvm-profile-$PID"
$options = [Microsoft.ML.OnnxRuntime.SessionOptions]::new()
$options.IntraOpNumThreads = $ThreadCount
$options.EnableProfiling = $true
$options.ProfileOutputPathPrefix = $prefix
$session = [Microsoft.ML.OnnxRuntime.InferenceSession]::new((Resolve-Path $Model).Path, $options)
try {
    $random = [Random]::new(1)
    $pixels = [float[]]::new(3 * $Width * $Height)
    for ($i = 0; $i -lt $pixels.Length; $i++) { $pixels[$i] = $random.NextDouble() }
    $inputs = [Collections.Generic.List[Microsoft.ML.OnnxRuntime.NamedOnnxValue]]::new()
    $inputs.Add([Microsoft.ML.OnnxRuntime.NamedOnnxValue]::CreateFromTensor('src_sm',
        [Microsoft.ML.OnnxRuntime.Tensors.DenseTensor[float]]::new($pixels, [int[]](1, 3, $Height, $Width))))
    foreach ($r in 'r1i', 'r2i', 'r3i', 'r4i') {
        $inputs.Add([Microsoft.ML.OnnxRuntime.NamedOnnxValue]::CreateFromTensor($r,
            [Microsoft.ML.OnnxRuntime.Tensors.DenseTensor[float]]::new([float[]]::new(1), [int[]](1, 1, 1, 1))))
    }
    # Run 0 is warm-up (allocations, first touches): its events are left out below.
    foreach ($run in 0..$Runs) { $session.Run($inputs).Dispose() }
    $file = $session.EndProfiling()
}
finally {
    $session.Dispose()
}

$events = Get-Content -Raw $file | ConvertFrom-Json
Remove-Item $file
$measured = @($events | Where-Object name -eq 'model_run' | Sort-Object ts)[1].ts
$nodes = $events | Where-Object { $_.cat -eq 'Node' -and $_.name -like '*_kernel_time' -and $_.ts -ge $measured } |
    Group-Object { $_.name -replace '_kernel_time$', '' } |
    ForEach-Object {
        [pscustomobject]@{
            node = $_.Name; op = $_.Group[0].args.op_name
            ms_per_run = [math]::Round(($_.Group | Measure-Object dur -Sum).Sum / 1000 / $Runs, 2)
        }
    }
$total = ($nodes | Measure-Object ms_per_run -Sum).Sum
# ONNX Runtime fuses a plain convolution with its activation into FusedConv; its NCHWc ones keep the op Conv.
$unblocked = $nodes | Where-Object { $_.op -in 'Conv', 'FusedConv' -and $_.node -notlike '*_nchwc*' }
'{0}: {1:N1} ms per run in nodes; convolutions outside NCHWc: {2} taking {3:N1} ms ({4:P0})' -f (Split-Path -Leaf $Model), $total,
    @($unblocked).Count, ($unblocked | Measure-Object ms_per_run -Sum).Sum, (($unblocked | Measure-Object ms_per_run -Sum).Sum / $total)
$unblocked | Sort-Object ms_per_run -Descending | Format-Table node, op, ms_per_run -AutoSize | Out-String
$nodes | Group-Object op | ForEach-Object { [pscustomobject]@{ op = $_.Name; nodes = $_.Count; ms_per_run = ($_.Group | Measure-Object ms_per_run -Sum).Sum } } |
    Sort-Object ms_per_run -Descending | Select-Object -First $Top | Format-Table -AutoSize | Out-String
$nodes | Sort-Object ms_per_run -Descending | Select-Object -First $Top | Format-Table node, op, ms_per_run -AutoSize | Out-String
if ($Match) {
    $matched = $nodes | Where-Object node -match $Match
    $matched | Sort-Object node | Format-Table node, op, ms_per_run -AutoSize | Out-String
    '{0:N2} ms per run in nodes matching {1}' -f ($matched | Measure-Object ms_per_run -Sum).Sum, $Match
}

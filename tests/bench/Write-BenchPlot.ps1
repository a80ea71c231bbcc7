<#
.SYNOPSIS
    Draws the benchmark's bench.json as an SVG with two panels: frames per second per case (the network alone, end
    to end, and TensorFlow.js where it was timed at that size and ratio), and the converting process's resident
    memory over the frames (the 300- and 3000-frame runs; after -Quick, which skips them, each case's conversion).
.EXAMPLE
    dotnet pwsh tests/bench/Write-BenchPlot.ps1 -BenchJson artifacts/bench.json -OutputPath artifacts/bench.svg
#>
param(
    [Parameter(Mandatory)] [string] $BenchJson,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
$bench = Get-Content -Raw -LiteralPath $BenchJson | ConvertFrom-Json
$invariant = [Globalization.CultureInfo]::InvariantCulture

$width = 820
$left = 70; $right = 20
$plotWidth = $width - $left - $right
$plotHeight = 240
$colours = @('#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b')

function N([double] $Value) { $Value.ToString('0.##', $invariant) }
function Escape([string] $Text) { [Security.SecurityElement]::Escape($Text) }

# An axis from 0 to a round maximum in about five round steps (1, 2 or 5 times a power of ten).
function Get-Axis([double] $Max) {
    if ($Max -le 0) { $Max = 1 }
    $raw = $Max / 5
    $magnitude = [math]::Pow(10, [math]::Floor([math]::Log10($raw)))
    $step = foreach ($m in 1, 2, 5, 10) { if ($m * $magnitude -ge $raw) { $m * $magnitude; break } }
    [pscustomobject]@{ Step = $step; Max = [math]::Ceiling($Max / $step - 1e-9) * $step }
}

# Axes of a panel whose plot area starts at $Top: the y axis with ticks, gridlines and a title.
function Write-YAxis([Text.StringBuilder] $Svg, [double] $Top, $Axis, [string] $Label) {
    $bottom = $Top + $plotHeight
    for ($v = 0.0; $v -le $Axis.Max + 1e-9; $v += $Axis.Step) {
        $y = $bottom - $v / $Axis.Max * $plotHeight
        [void]$Svg.AppendLine("<line class=`"grid`" x1=`"$left`" y1=`"$(N $y)`" x2=`"$($left + $plotWidth)`" y2=`"$(N $y)`" stroke=`"#ddd`"/>")
        [void]$Svg.AppendLine("<text class=`"ytick`" x=`"$($left - 6)`" y=`"$(N ($y + 4))`" text-anchor=`"end`">$(N $v)</text>")
    }
    [void]$Svg.AppendLine("<line class=`"axis`" x1=`"$left`" y1=`"$Top`" x2=`"$left`" y2=`"$bottom`" stroke=`"#333`"/>")
    [void]$Svg.AppendLine("<line class=`"axis`" x1=`"$left`" y1=`"$bottom`" x2=`"$($left + $plotWidth)`" y2=`"$bottom`" stroke=`"#333`"/>")
    [void]$Svg.AppendLine("<text x=`"16`" y=`"$(N ($Top + $plotHeight / 2))`" text-anchor=`"middle`" transform=`"rotate(-90 16 $(N ($Top + $plotHeight / 2)))`">$(Escape $Label)</text>")
}

function Write-Legend([Text.StringBuilder] $Svg, [double] $Top, [string[]] $Names) {
    $x = $left + 10
    for ($i = 0; $i -lt $Names.Count; $i++) {
        [void]$Svg.AppendLine("<rect class=`"legend`" x=`"$x`" y=`"$($Top + 8)`" width=`"12`" height=`"12`" fill=`"$($colours[$i % $colours.Count])`"/>")
        [void]$Svg.AppendLine("<text x=`"$($x + 16)`" y=`"$($Top + 18)`">$(Escape $Names[$i])</text>")
        $x += 30 + 7 * $Names[$i].Length
    }
}

$svg = [Text.StringBuilder]::new()
$tfjs = $bench.tfjs
$tfjsFps = if ($null -ne $bench.tfjs_ms_per_frame -and $bench.tfjs_ms_per_frame -gt 0) { 1000 / $bench.tfjs_ms_per_frame } else { $null }

# Panel 1: grouped bars of fps per case.
$top1 = 60
$series = @('network alone', 'end to end', "TensorFlow.js ($(if ($tfjs.backend) { $tfjs.backend } else { 'not timed' }))")
$groups = foreach ($row in @($bench.cases)) {
    $sameAsTfjs = $null -ne $tfjsFps -and $row.width -eq $tfjs.width -and $row.height -eq $tfjs.height -and $row.downsample_ratio -eq $tfjs.downsample_ratio
    $precision = if ($row.precision) { $row.precision } else { 'fp32' }
    [pscustomobject]@{
        Label = "$($row.case) $precision r$($row.downsample_ratio)"
        Values = @([double]$row.model_fps, [double]$row.end_to_end_fps, $(if ($sameAsTfjs) { $tfjsFps } else { $null }))
    }
}
$groups = @($groups)
$barAxis = Get-Axis (($groups | ForEach-Object { $_.Values } | Where-Object { $null -ne $_ } | Measure-Object -Maximum).Maximum)
[void]$svg.AppendLine("<text class=`"title`" x=`"$left`" y=`"$($top1 - 30)`" font-weight=`"bold`">Frames per second per case (higher is better)</text>")
Write-YAxis $svg $top1 $barAxis 'frames per second'
Write-Legend $svg ($top1 - 26) $series
$bottom1 = $top1 + $plotHeight
$groupWidth = if ($groups.Count) { $plotWidth / $groups.Count } else { $plotWidth }
$barWidth = $groupWidth * 0.8 / $series.Count
for ($g = 0; $g -lt $groups.Count; $g++) {
    $x0 = $left + $g * $groupWidth + $groupWidth * 0.1
    for ($s = 0; $s -lt $series.Count; $s++) {
        $value = $groups[$g].Values[$s]
        if ($null -eq $value) { continue }
        $h = $value / $barAxis.Max * $plotHeight
        $x = $x0 + $s * $barWidth
        [void]$svg.AppendLine("<rect class=`"bar`" data-series=`"$(Escape $series[$s])`" data-case=`"$(Escape $groups[$g].Label)`" data-value=`"$(N $value)`" x=`"$(N $x)`" y=`"$(N ($bottom1 - $h))`" width=`"$(N ($barWidth - 2))`" height=`"$(N $h)`" fill=`"$($colours[$s])`"/>")
        [void]$svg.AppendLine("<text class=`"value`" x=`"$(N ($x + $barWidth / 2))`" y=`"$(N ($bottom1 - $h - 4))`" text-anchor=`"middle`" font-size=`"11`">$(N $value)</text>")
    }
    [void]$svg.AppendLine("<text class=`"xtick`" x=`"$(N ($left + ($g + 0.5) * $groupWidth))`" y=`"$($bottom1 + 18)`" text-anchor=`"middle`">$(Escape $groups[$g].Label)</text>")
}

# Panel 2: resident memory over the frames, one line per conversion.
$top2 = $bottom1 + 110
$lines = if ($bench.memory -and $bench.memory.frames_300_rss_mb_by_frame) {
    $title = "Resident memory over the frames, $($bench.memory.case) (flat is good)"
    [pscustomobject]@{ Name = '300 frames'; Points = @($bench.memory.frames_300_rss_mb_by_frame) }
    [pscustomobject]@{ Name = '3000 frames'; Points = @($bench.memory.frames_3000_rss_mb_by_frame) }
}
else {
    $title = 'Resident memory over the frames, each case''s conversion (flat is good)'
    foreach ($row in @($bench.cases)) {
        if ($row.rss_mb_by_frame) { [pscustomobject]@{ Name = "$($row.case) $($row.precision)"; Points = @($row.rss_mb_by_frame) } }
    }
}
$lines = @($lines)
$all = @($lines | ForEach-Object { $_.Points })
$frameAxis = Get-Axis (($all | ForEach-Object { [double]$_[0] } | Measure-Object -Maximum).Maximum)
$rssAxis = Get-Axis (($all | ForEach-Object { [double]$_[1] } | Measure-Object -Maximum).Maximum)
[void]$svg.AppendLine("<text class=`"title`" x=`"$left`" y=`"$($top2 - 30)`" font-weight=`"bold`">$(Escape $title)</text>")
Write-YAxis $svg $top2 $rssAxis 'resident memory (MB)'
Write-Legend $svg ($top2 - 26) ([string[]]@($lines | ForEach-Object Name))
$bottom2 = $top2 + $plotHeight
for ($v = 0.0; $v -le $frameAxis.Max + 1e-9; $v += $frameAxis.Step) {
    $x = $left + $v / $frameAxis.Max * $plotWidth
    [void]$svg.AppendLine("<line class=`"xgrid`" x1=`"$(N $x)`" y1=`"$bottom2`" x2=`"$(N $x)`" y2=`"$($bottom2 + 4)`" stroke=`"#333`"/>")
    [void]$svg.AppendLine("<text class=`"xtick`" x=`"$(N $x)`" y=`"$($bottom2 + 18)`" text-anchor=`"middle`">$(N $v)</text>")
}
[void]$svg.AppendLine("<text x=`"$($left + $plotWidth / 2)`" y=`"$($bottom2 + 38)`" text-anchor=`"middle`">frames written</text>")
if (-not $lines.Count) {
    [void]$svg.AppendLine("<text x=`"$($left + $plotWidth / 2)`" y=`"$($top2 + $plotHeight / 2)`" text-anchor=`"middle`">no memory samples in this bench.json</text>")
}
for ($i = 0; $i -lt $lines.Count; $i++) {
    $points = ($lines[$i].Points | ForEach-Object {
            "$(N ($left + [double]$_[0] / $frameAxis.Max * $plotWidth)),$(N ($bottom2 - [double]$_[1] / $rssAxis.Max * $plotHeight))"
        }) -join ' '
    [void]$svg.AppendLine("<polyline class=`"rss`" data-series=`"$(Escape $lines[$i].Name)`" points=`"$points`" fill=`"none`" stroke=`"$($colours[$i % $colours.Count])`" stroke-width=`"2`"/>")
}

$height = $bottom2 + 70
$machine = if ($bench.machine) { Escape "$($bench.machine); $($bench.device)" } else { '' }
$document = @"
<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="$width" height="$height" viewBox="0 0 $width $height" font-family="sans-serif" font-size="12">
<rect width="$width" height="$height" fill="white"/>
$($svg.ToString())<text x="$left" y="$($height - 12)" font-size="10" fill="#555">$machine</text>
</svg>
"@
New-Item -ItemType Directory -Force (Split-Path -Parent ([IO.Path]::GetFullPath($OutputPath))) | Out-Null
[IO.File]::WriteAllText([IO.Path]::GetFullPath($OutputPath), $document, [Text.UTF8Encoding]::new($false))

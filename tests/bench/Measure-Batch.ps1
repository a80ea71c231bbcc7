<#
.SYNOPSIS
    Several clips as one batch, as Convert-RvmVideo -ThrottleLimit converts them: one at a time against several at
    once with the CPU threads divided. Dot-source it (Bench.ps1 does) for Measure-Batch and Measure-BatchRow.
#>

# One batch: every clip to composition and alpha .mp4 in $OutputFolder, up to $ThrottleLimit at once, each on
# $ThreadsEach intra-op threads (0: the model's divided among them). Returns Rvm.Diagnostics.BatchTiming.
function Measure-Batch($Model, [string[]] $Clips, [double] $Ratio, [int] $ThrottleLimit, [int] $ThreadsEach = 0, [string] $OutputFolder) {
    $requests = [Collections.Generic.List[Rvm.Matting.ConversionRequest]]::new()
    $i = 0
    foreach ($clip in $Clips) {
        $r = [Rvm.Matting.ConversionRequest]::new()
        $r.Input = $clip
        $r.CompositionPath = Join-Path $OutputFolder "batch-$i-composition.mp4"
        $r.AlphaPath = Join-Path $OutputFolder "batch-$i-alpha.mp4"
        $r.DownsampleRatio = $Ratio
        $r.CheckpointFrames = 0
        $requests.Add($r)
        $i++
    }
    [Rvm.Diagnostics.BatchBenchmark]::Measure($Model, $requests, $ThrottleLimit, $ThreadsEach)
}

function Get-BatchMedian($Values) {
    $v = @($Values | Sort-Object)
    if ($v.Count % 2) { $v[[int][math]::Floor($v.Count / 2)] } else { ($v[$v.Count / 2 - 1] + $v[$v.Count / 2]) / 2 }
}

# The bench row: the same clip four times, one at a time against $ThrottleLimit at once, interleaved $Rounds
# times (this machine's speed drifts over minutes); medians of the total frames per second.
function Measure-BatchRow($Model, [string] $Clip, [double] $Ratio, [int] $ThrottleLimit, [string] $OutputFolder, [int] $Rounds = 2) {
    $clips = @($Clip) * 4
    $serial = @(); $throttled = @(); $frames = 0
    foreach ($round in 1..$Rounds) {
        $s = Measure-Batch $Model $clips $Ratio 1 -OutputFolder $OutputFolder
        $t = Measure-Batch $Model $clips $Ratio $ThrottleLimit -OutputFolder $OutputFolder
        $serial += $s.FramesPerSecond; $throttled += $t.FramesPerSecond; $frames = $s.Frames
    }
    $sf = Get-BatchMedian $serial; $tf = Get-BatchMedian $throttled
    [ordered]@{
        clips = 4; frames = $frames
        serial_fps = [math]::Round($sf, 2); throttled_fps = [math]::Round($tf, 2)
        throttle_limit = $ThrottleLimit; ratio = [math]::Round($tf / $sf, 3)
    }
}

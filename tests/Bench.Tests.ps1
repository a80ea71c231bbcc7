# The benchmark's own pieces that need no model: the SVG plot drawn from a bench.json, and the summary of the
# TensorFlow.js reference's timings (tests/bench/Write-BenchPlot.ps1, tests/bench/Measure-Tfjs.ps1).
BeforeAll {
    $script:Plot = Join-Path $PSScriptRoot 'bench/Write-BenchPlot.ps1'
    $script:Tfjs = Join-Path $PSScriptRoot 'bench/Measure-Tfjs.ps1'
    # The plot's geometry: plot areas 240 high, starting at x 70 and 730 wide.
    $script:PlotHeight = 240; $script:Left = 70; $script:PlotWidth = 730

    function New-Row([string] $Case, [int] $Width, [int] $Height, [double] $Ratio, [double] $ModelFps, [double] $EndToEndFps, $Rss) {
        [ordered]@{ case = $Case; precision = 'fp32'; width = $Width; height = $Height; downsample_ratio = $Ratio
            model_fps = $ModelFps; end_to_end_fps = $EndToEndFps; rss_mb_by_frame = $Rss }
    }
    function Write-Fixture([string] $Name, $Report) {
        $path = Join-Path $TestDrive "$Name.json"
        $Report | ConvertTo-Json -Depth 6 | Set-Content $path
        $path
    }
    function Get-Svg([string] $Json) {
        $svg = Join-Path $TestDrive "$([IO.Path]::GetFileNameWithoutExtension($Json)).svg"
        & $Plot -BenchJson $Json -OutputPath $svg
        [xml](Get-Content -Raw $svg)
    }
    function Get-Bars([xml] $Svg) { @($Svg.svg.rect | Where-Object { $_.class -eq 'bar' }) }
    $script:Full = Write-Fixture 'full' ([ordered]@{
            machine = '2 cores, test'; device = 'Cpu'; tfjs_ms_per_frame = 2000
            tfjs = [ordered]@{ ms_per_frame = 2000; backend = 'wasm'; width = 1920; height = 1080; downsample_ratio = 0.25; reason = $null }
            cases = @(
                (New-Row '1280x720' 1280 720 0.375 11 10 @(, @(10, 300)))
                (New-Row '1920x1080' 1920 1080 0.25 12 9 @(, @(10, 320)))
            )
            memory = [ordered]@{
                case = '1280x720 r0.375'
                frames_300_rss_mb_by_frame = @(@(0, 200), @(150, 350), @(300, 352))
                frames_3000_rss_mb_by_frame = @(@(0, 200), @(1500, 360), @(3000, 373))
            }
        })
    # What -Quick writes where TensorFlow.js could not be timed: no memory runs and no TensorFlow.js figure.
    $script:Quick = Write-Fixture 'quick' ([ordered]@{
            tfjs_ms_per_frame = $null
            tfjs = [ordered]@{ ms_per_frame = $null; backend = 'wasm'; width = 1920; height = 1080; downsample_ratio = 0.25; reason = 'node was not found' }
            cases = @(
                (New-Row '1920x1080' 1920 1080 0.25 12 9 @(@(0, 100), @(300, 390)))
                (New-Row '3840x2160' 3840 2160 0.125 10 4.8 @(@(0, 100), @(60, 500)))
            )
            memory = $null
        })
}

Describe 'Write-BenchPlot.ps1' {
    It 'draws a bar per case and measure, and TensorFlow.js only where it was timed at that size and ratio' {
        $bars = Get-Bars (Get-Svg $Full)
        $bars.Count | Should -Be 5
        @($bars | Where-Object { $_.'data-series' -like 'TensorFlow.js*' }).'data-case' | Should -Be '1920x1080 fp32 r0.25'
        ($bars | Where-Object { $_.'data-series' -eq 'network alone' }).'data-value' | Should -Be @('11', '12')
    }

    It 'scales the bars to an axis with a round maximum (12 fps on an axis to 15)' {
        $svg = Get-Svg $Full
        @($svg.svg.text | Where-Object { $_.class -eq 'ytick' } | Select-Object -First 4).'#text' | Should -Be @('0', '5', '10', '15')
        foreach ($bar in Get-Bars $svg) {
            [math]::Abs([double]$bar.height - ([double]$bar.'data-value' / 15 * $PlotHeight)) | Should -BeLessThan 0.01
        }
        # TensorFlow.js at 2000 ms a frame is 0.5 fps: a bar 8 pixels high.
        [math]::Abs([double](Get-Bars $svg | Where-Object { $_.'data-series' -like 'TensorFlow.js*' }).height - 8) | Should -BeLessThan 0.01
    }

    It 'draws the 300- and 3000-frame runs as lines of memory over the frames, to scale' {
        $svg = Get-Svg $Full
        $lines = @($svg.svg.polyline | Where-Object { $_.class -eq 'rss' })
        $lines.'data-series' | Should -Be @('300 frames', '3000 frames')
        # Frames on an axis to 3000, memory on one to 400 MB; the plot area's bottom is at 60 + 240 + 110 + 240.
        $last = ($lines[1].points -split ' ')[-1] -split ','
        [math]::Abs([double]$last[0] - ($Left + $PlotWidth)) | Should -BeLessThan 0.01
        [math]::Abs([double]$last[1] - (650 - 373 / 400 * $PlotHeight)) | Should -BeLessThan 0.01
        ($lines[0].points -split ' ').Count | Should -Be 3
    }

    It 'draws each case''s conversion when the memory runs were skipped (-Quick), and no TensorFlow.js bar without a figure' {
        $svg = Get-Svg $Quick
        $bars = Get-Bars $svg
        $bars.Count | Should -Be 4
        $bars.'data-series' | Should -Not -Contain 'TensorFlow.js (wasm)'
        @($svg.svg.polyline).'data-series' | Should -Be @('1920x1080 fp32', '3840x2160 fp32')
    }
}

Describe 'Measure-Tfjs.ps1' {
    It 'takes the median of the frames after the warm-up from the reference''s meta.json' {
        $meta = Join-Path $TestDrive 'meta.json'
        @{ backend = 'wasm'; width = 1920; height = 1080; downsample_ratio = 0.25; ms_per_frame = @(5200, 2600, 2100, 2400) } | ConvertTo-Json | Set-Content $meta
        $t = & $Tfjs -MetaPath $meta
        $t.ms_per_frame | Should -Be 2400
        $t.warmup_frames | Should -Be 1
        $t.timed_frames | Should -Be 3
        $t.backend | Should -Be 'wasm'
        (& $Tfjs -MetaPath $meta -WarmupFrames 0).ms_per_frame | Should -Be 2500
        { & $Tfjs -MetaPath $meta -WarmupFrames 4 } | Should -Throw '*leave none to time*'
    }

    It 'says why and gives no figure where node is missing, without failing' {
        $path = $env:PATH
        try {
            $env:PATH = Join-Path $TestDrive 'empty'
            $t = & $Tfjs -Clip 'none.mp4' -Width 1920 -Height 1080 -Ratio 0.25 -WorkFolder $TestDrive
        }
        finally { $env:PATH = $path }
        $t.ms_per_frame | Should -BeNullOrEmpty
        $t.reason | Should -BeLike 'node was not found*'
    }
}

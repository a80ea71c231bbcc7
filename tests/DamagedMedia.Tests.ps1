# A damaged input through Convert-RvmVideo: failed by default; with -ErrorTolerance Conceal, converted with its
# damage named in warnings, counted in the result, and the remaining frames at their own timestamps.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-damaged-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Work | Out-Null
    $script:Clean = Join-Path $Work 'clean.mp4'
    $script:Damaged = Join-Path $Work 'damaged clip.mp4'
    New-DamagedClip $Damaged $Clean

    # Frame times in seconds, to the millisecond: decoded by ffmpeg alone (the reference), or of a file's frames.
    function Get-DecodedTimes([string] $Path) {
        @(& ffmpeg -hide_banner -nostdin -i $Path -map 0:v:0 -vf showinfo=checksum=0 -fps_mode passthrough -f null - 2>&1 |
            Select-String 'pts_time:\s*([-0-9.]+)' | ForEach-Object { [math]::Round([double]$_.Matches[0].Groups[1].Value, 3) })
    }
    function Get-FrameTimes([string] $Path) {
        @(& ffprobe -v error -select_streams v:0 -show_entries frame=pts_time -of csv=p=0 $Path | ForEach-Object { [math]::Round([double]$_, 3) })
    }
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo on a damaged input' {
    It 'fails it by default with an error naming the file, and writes nothing' {
        $out = Join-Path $Work 'strict.alpha.mkv'
        $r = Convert-RvmVideo -LiteralPath $Damaged -AlphaPath $out -Model $Model -ErrorVariable errors -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].Exception.Message | Should -BeLike "*$Damaged*"
        $errors[0].TargetObject | Should -Be $Damaged
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*-ErrorTolerance Conceal*'
        $out | Should -Not -Exist
    }

    It 'with -ErrorTolerance Conceal converts it, names the damaged frames in warnings and counts them' {
        $out = Join-Path $Work 'conceal.alpha.mkv'
        $r = Convert-RvmVideo -LiteralPath $Damaged -AlphaPath $out -Model $Model -ErrorTolerance Conceal `
            -WarningVariable warnings -WarningAction SilentlyContinue
        $r.DamagedFrames | Should -BeGreaterThan 0
        $warnings.Count | Should -BeGreaterThan 0
        ($warnings -join "`n") | Should -Match 'damaged clip\.mp4.*frame \d+ \(\d+\.\d{3} s\)'
        # The frames left keep their own times: exactly those ffmpeg decodes from the damaged file, fewer than the input's.
        $expected = Get-DecodedTimes $Damaged
        $expected.Count | Should -BeLessThan 40
        $expected.Count | Should -BeGreaterThan 20
        $r.FrameCount | Should -Be $expected.Count
        Get-FrameTimes $out | Should -Be $expected
    }

    It 'reports 0 damaged frames and no warning for a clean input under Conceal' {
        $r = Convert-RvmVideo -LiteralPath $Clean -AlphaPath (Join-Path $Work 'clean.alpha.mkv') -Model $Model -ErrorTolerance Conceal `
            -WarningVariable warnings
        $r.DamagedFrames | Should -Be 0
        $r.FrameCount | Should -Be 40
        $warnings.Count | Should -Be 0
    }
}

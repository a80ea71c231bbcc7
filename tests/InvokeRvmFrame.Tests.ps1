BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-frame-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Work | Out-Null

    # Per-frame comparison with the TensorFlow.js reference (tests/golden); foreground where reference alpha > 0.
    function Compare-WithGolden($Result, [string] $Folder, [int] $Index) {
        $alpha = Read-Golden16 (Join-Path $Folder ('pha_{0:D4}.png' -f $Index)) 'gray16le'
        $fgr = Read-Golden16 (Join-Path $Folder ('fgr_{0:D4}.png' -f $Index)) 'rgb48le'
        $a = [RvmTests.Pixels]::Compare($alpha, $Result.Alpha, $null, 1)
        $f = [RvmTests.Pixels]::Compare($fgr, $Result.Foreground, $alpha, 3)
        [pscustomobject]@{ AlphaMean = $a[0]; AlphaMax = $a[1]; ForegroundMean = $f[0] }
    }
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Invoke-RvmFrame matches the TensorFlow.js reference' {
    It '<Name> at ratio <Ratio> (<Frames> frames, state carried)' -ForEach @(
        @{ Name = 'astronaut'; Sub = 'r1'; Ratio = 1.0; Frames = 1 }
        @{ Name = 'astronaut'; Sub = 'r05'; Ratio = 0.5; Frames = 1 }
        @{ Name = 'odd-509x381'; Sub = 'r1'; Ratio = 1.0; Frames = 1 }
        @{ Name = 'odd-509x381'; Sub = 'r037'; Ratio = 0.37; Frames = 1 }
        @{ Name = 'vtest-seq'; Sub = 'r0375'; Ratio = 0.375; Frames = 8 }
    ) {
        $inputs = Get-ChildItem (Join-Path $GoldenRoot $Name) -Filter 'frame_*.png' | Sort-Object Name
        $inputs.Count | Should -Be $Frames
        $results = @($inputs | Invoke-RvmFrame -Model $Model -DownsampleRatio $Ratio)
        $results.Count | Should -Be $Frames
        for ($i = 0; $i -lt $Frames; $i++) {
            $results[$i].Index | Should -Be $i
            $s = Compare-WithGolden $results[$i] (Join-Path $GoldenRoot "$Name/$Sub") $i
            $s.AlphaMean | Should -BeLessOrEqual 1e-3 -Because "frame $i alpha mean abs error"
            $s.AlphaMax | Should -BeLessOrEqual 0.05 -Because "frame $i alpha max abs error"
            $s.ForegroundMean | Should -BeLessOrEqual 2e-3 -Because "frame $i foreground mean abs error"
        }
    }
}

Describe 'Invoke-RvmFrame results and state' {
    BeforeAll {
        $script:vtest = Get-ChildItem (Join-Path $GoldenRoot 'vtest-seq') -Filter 'frame_*.png' | Sort-Object Name
    }

    It 'emits results with clamped alpha and foreground of the frame size' {
        $r = Invoke-RvmFrame -Model $Model -LiteralPath (Join-Path $GoldenRoot 'astronaut/frame_0000.png')
        $r | Should -BeOfType ([Rvm.Inference.RvmFrameResult])
        $r.Width | Should -Be 512
        $r.Height | Should -Be 512
        $r.Alpha.Length | Should -Be (512 * 512)
        $r.Foreground.Length | Should -Be (512 * 512 * 3)
        ($r.Alpha | Measure-Object -Minimum -Maximum).Minimum | Should -BeGreaterOrEqual 0
        ($r.Alpha | Measure-Object -Minimum -Maximum).Maximum | Should -BeLessOrEqual 1
        $r.State.Width | Should -Be 512
    }

    It 'uses the upstream rule min(512 / max(h, w), 1) when no ratio is given' {
        $big = Join-Path $Work 'big.png'
        & ffmpeg -v error -y -i (Join-Path $GoldenRoot 'astronaut/frame_0000.png') -vf scale=1024:768 $big
        (Invoke-RvmFrame -Model $Model -LiteralPath $big).DownsampleRatio | Should -Be 0.5
        (Invoke-RvmFrame -Model $Model -LiteralPath (Join-Path $GoldenRoot 'odd-509x381/frame_0000.png')).DownsampleRatio | Should -Be 1
    }

    It 'continues a sequence from -State exactly as one pipeline would' {
        $all = @($vtest | Invoke-RvmFrame -Model $Model -DownsampleRatio 0.375)
        $first = @($vtest[0..3] | Invoke-RvmFrame -Model $Model -DownsampleRatio 0.375)
        $rest = @($vtest[4..7] | Invoke-RvmFrame -Model $Model -DownsampleRatio 0.375 -State $first[-1].State)
        $d = [RvmTests.Pixels]::Compare($all[7].Alpha, $rest[-1].Alpha, $null, 1)
        $d[1] | Should -BeLessOrEqual 1e-6
    }

    It 'resets the state, with a Verbose line, when the frame size changes' {
        $mixed = @(
            (Join-Path $GoldenRoot 'vtest-seq/frame_0000.png')
            (Join-Path $GoldenRoot 'astronaut/frame_0000.png')
        )
        $out = Invoke-RvmFrame -Model $Model -LiteralPath $mixed -DownsampleRatio 0.5 -Verbose 4>&1
        $results = @($out | Where-Object { $_ -is [Rvm.Inference.RvmFrameResult] })
        $results.Count | Should -Be 2
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match 'starting from a fresh state'
        $alone = Invoke-RvmFrame -Model $Model -LiteralPath $mixed[1] -DownsampleRatio 0.5
        ([RvmTests.Pixels]::Compare($alone.Alpha, $results[1].Alpha, $null, 1))[1] | Should -BeLessOrEqual 1e-6
    }

    It 'takes frame objects made by the engine (-InputObject)' {
        $frame = [Rvm.Imaging.ImageFileReader]::Read((Join-Path $GoldenRoot 'astronaut/frame_0000.png'), 0)
        $r = $frame | Invoke-RvmFrame -Model $Model -DownsampleRatio 0.5
        $s = Compare-WithGolden $r (Join-Path $GoldenRoot 'astronaut/r05') 0
        $s.AlphaMean | Should -BeLessOrEqual 1e-3
    }

    It 'uses the default model when -Model is omitted' {
        $r = Invoke-RvmFrame -LiteralPath (Join-Path $GoldenRoot 'odd-509x381/frame_0000.png') -DownsampleRatio 0.37
        $s = Compare-WithGolden $r (Join-Path $GoldenRoot 'odd-509x381/r037') 0
        $s.AlphaMean | Should -BeLessOrEqual 1e-3
    }
}

Describe 'Invoke-RvmFrame inputs' {
    It 'binds pipeline input by value (strings), by property name (Get-ChildItem) and expands wildcards' {
        $byValue = @((Join-Path $GoldenRoot 'vtest-seq/frame_000[0-2].png') | Invoke-RvmFrame -Model $Model -DownsampleRatio 0.375)
        $byValue.Count | Should -Be 3
        $byProperty = @(Get-ChildItem (Join-Path $GoldenRoot 'vtest-seq/frame_000[0-2].png') | Invoke-RvmFrame -Model $Model -DownsampleRatio 0.375)
        $byProperty.Count | Should -Be 3
        $byProperty[2].Source | Should -Match 'frame_0002.png$'
        $withFullName = @([pscustomobject]@{ FullName = (Join-Path $GoldenRoot 'vtest-seq/frame_0000.png') } | Invoke-RvmFrame -Model $Model)
        $withFullName.Count | Should -Be 1
    }

    It 'treats file names as data: <Label>' -ForEach @(
        @{ Label = 'spaces'; FileName = 'with space.png' }
        @{ Label = 'single quote'; FileName = "it's.png" }
        @{ Label = 'double quote'; FileName = 'say "hi".png' }
        @{ Label = 'semicolon'; FileName = 'a;b.png' }
        @{ Label = 'dollar and ampersand'; FileName = 'cost$5 & more.png' }
        @{ Label = 'leading dash'; FileName = '-i.png' }
        @{ Label = 'brackets'; FileName = 'frame[1].png' }
        @{ Label = 'unicode'; FileName = 'ünïcödé 画像.png' }
        @{ Label = 'colon'; FileName = 'file:name.png' }
    ) {
        if ($IsWindows -and $FileName -match '["*:?<>|]') { Set-ItResult -Skipped -Because 'Windows does not allow this name'; return }
        $path = Join-Path $Work $FileName
        Copy-Item -LiteralPath (Join-Path $GoldenRoot 'odd-509x381/frame_0000.png') -Destination $path
        $r = Invoke-RvmFrame -Model $Model -LiteralPath $path -DownsampleRatio 0.37
        $r.Width | Should -Be 509
        $r.Source | Should -Be $path
        $viaPipeline = Get-Item -LiteralPath $path | Invoke-RvmFrame -Model $Model -DownsampleRatio 0.37
        $viaPipeline.Width | Should -Be 509
    }

    It 'reports a bad input as a non-terminating error naming the file, and goes on with the next' {
        $notImage = Join-Path $Work 'not an image.png'
        Set-Content -LiteralPath $notImage -Value 'this is text'
        $empty = Join-Path $Work 'empty.png'
        New-Item -ItemType File $empty | Out-Null
        $missing = Join-Path $Work 'missing.png'
        $good = Join-Path $GoldenRoot 'vtest-seq/frame_0000.png'
        $err = $null
        $results = @(Invoke-RvmFrame -Model $Model -LiteralPath $good, $notImage, $missing, $empty, $good -ErrorVariable err -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 2
        $err.Count | Should -Be 3
        $err[0].Exception.Message | Should -Match 'not an image.png'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[1].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[1].Exception.Message | Should -Match 'missing.png'
        $err[2].Exception.Message | Should -Match 'empty.png.+empty'
    }

    It 'stops the pipeline on -ErrorAction Stop' {
        { Invoke-RvmFrame -Model $Model -LiteralPath (Join-Path $Work 'missing.png') -ErrorAction Stop } | Should -Throw '*missing.png*'
    }
}

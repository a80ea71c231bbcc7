BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-save-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Work | Out-Null
    $script:Result = Invoke-RvmFrame -Model $Model -LiteralPath (Join-Path $GoldenRoot 'odd-509x381/frame_0000.png')
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Save-RvmFrame' {
    It 'writes alpha (grey), foreground (RGB) and composition PNGs and emits the files' {
        $files = @($Result | Save-RvmFrame -AlphaPath (Join-Path $Work 'a.png') -ForegroundPath (Join-Path $Work 'f.png') -CompositionPath (Join-Path $Work 'c.png'))
        $files.Count | Should -Be 3
        $files[0] | Should -BeOfType ([IO.FileInfo])
        (Get-Probe (Join-Path $Work 'a.png')).streams[0].pix_fmt | Should -Be 'gray'
        (Get-Probe (Join-Path $Work 'f.png')).streams[0].pix_fmt | Should -Be 'rgb24'
        (Get-Probe (Join-Path $Work 'c.png')).streams[0].width | Should -Be 509
    }

    It 'writes the alpha as the rounded matte' {
        $Result | Save-RvmFrame -AlphaPath (Join-Path $Work 'alpha.png') | Out-Null
        $saved = [RvmTests.Pixels]::FromBytes((Read-RawPixels (Join-Path $Work 'alpha.png') 'gray'))
        ([RvmTests.Pixels]::Compare($Result.Alpha, $saved, $null, 1))[1] | Should -BeLessOrEqual (0.5 / 255 + 1e-6)
    }

    It 'composes fgr*a + bg*(1-a) over a colour within 8-bit rounding (<Background>)' -ForEach @(
        @{ Background = '120,255,155'; Rgb = 120, 255, 155 }
        @{ Background = '#0000ff'; Rgb = 0, 0, 255 }
        @{ Background = 'White'; Rgb = 255, 255, 255 }
    ) {
        $path = Join-Path $Work "comp-$($Rgb -join '-').png"
        $Result | Save-RvmFrame -CompositionPath $path -Background $Background | Out-Null
        $saved = [RvmTests.Pixels]::FromBytes((Read-RawPixels $path 'rgb24'))
        $expected = [float[]]::new($saved.Length)
        $a = $Result.Alpha; $f = $Result.Foreground
        for ($p = 0; $p -lt $a.Length; $p += 97) {
            # every 97th pixel: enough to catch a wrong formula, quick in PowerShell
            for ($c = 0; $c -lt 3; $c++) {
                $want = $f[3 * $p + $c] * $a[$p] + ($Rgb[$c] / 255) * (1 - $a[$p])
                [Math]::Abs($saved[3 * $p + $c] - $want) | Should -BeLessOrEqual (0.5 / 255 + 1e-5)
            }
        }
    }

    It 'writes a transparent composition as RGBA with straight alpha' {
        $path = Join-Path $Work 'transparent.png'
        $Result | Save-RvmFrame -CompositionPath $path -Background Transparent | Out-Null
        (Get-Probe $path).streams[0].pix_fmt | Should -Be 'rgba'
        $rgba = Read-RawPixels $path 'rgba'
        $alpha = [byte[]]::new($rgba.Length / 4)
        for ($p = 0; $p -lt $alpha.Length; $p++) { $alpha[$p] = $rgba[4 * $p + 3] }
        ([RvmTests.Pixels]::Compare($Result.Alpha, [RvmTests.Pixels]::FromBytes($alpha), $null, 1))[1] | Should -BeLessOrEqual (0.5 / 255 + 1e-6)
    }

    It 'does not overwrite without -Force, and does with it' {
        $path = Join-Path $Work 'exists.png'
        Set-Content -LiteralPath $path -Value 'keep me'
        $err = $null
        $Result | Save-RvmFrame -AlphaPath $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content -LiteralPath $path | Should -Be 'keep me'
        $Result | Save-RvmFrame -AlphaPath $path -Force | Should -Not -BeNullOrEmpty
        (Get-Probe $path).streams[0].pix_fmt | Should -Be 'gray'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $Work 'whatif.png'
        $Result | Save-RvmFrame -AlphaPath $path -WhatIf
        $path | Should -Not -Exist
    }

    It 'names each frame file with a delay-bind script block' {
        $frames = Get-ChildItem (Join-Path $GoldenRoot 'vtest-seq/frame_000[0-1].png') | Sort-Object Name |
            Invoke-RvmFrame -Model $Model
        $files = $frames | Save-RvmFrame -AlphaPath { Join-Path $Work ('seq_{0:D4}.png' -f $_.Index) }
        $files.Name | Should -Be @('seq_0000.png', 'seq_0001.png')
    }

    It 'rejects a background that is not a colour' {
        { $Result | Save-RvmFrame -CompositionPath (Join-Path $Work 'x.png') -Background 'notacolour' -ErrorAction Stop } | Should -Throw '*not a colour*'
    }
}

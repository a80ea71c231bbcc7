BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-preview-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Work | Out-Null
    # 2 s at 10 fps, 320x240: 20 frames, so a 4-frame sheet shows frames 2, 7, 12 and 17.
    $script:Clip = Join-Path $Work 'clip.mp4'
    & ffmpeg -v error -y -i (Get-SourceVideo) -t 2 -vf 'scale=320:240,fps=10' -c:v libx264 -pix_fmt yuv420p $Clip
    $script:Result = Convert-RvmVideo -LiteralPath $Clip -Model $Model -Output Composition, Alpha -Preview -PreviewFrames 4

    # Sheet geometry for 320x240 tiles (never larger than the video): 8 px gaps, a 20 px label band above each row.
    function Get-TileOrigin([int] $Row, [int] $Column) { @((8 + $Column * 328), (8 + $Row * 268 + 20)) }
    # A tile of the decoded sheet as RGB bytes, 320x240.
    function Get-Tile([byte[]] $Sheet, [int] $SheetWidth, [int] $Row, [int] $Column) {
        $x0, $y0 = Get-TileOrigin $Row $Column
        $tile = [byte[]]::new(320 * 240 * 3)
        for ($y = 0; $y -lt 240; $y++) { [Array]::Copy($Sheet, (($y0 + $y) * $SheetWidth + $x0) * 3, $tile, $y * 960, 960) }
        , $tile
    }
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo -Preview' {
    It 'writes <name>.preview.png beside the outputs, one row per frame, three tiles a row' {
        $Result.PreviewPath | Should -Be (Join-Path $Work 'clip.preview.png')
        $probe = Get-Probe $Result.PreviewPath
        $probe.streams[0].codec_name | Should -Be 'png'
        $probe.streams[0].width | Should -Be (3 * 320 + 4 * 8)
        $probe.streams[0].height | Should -Be (4 * (20 + 240 + 8) + 8)
    }

    It 'shows a grey matte and the input frame picked, exactly' {
        $sheet = Read-RawPixels $Result.PreviewPath 'rgb24'
        $width = 3 * 320 + 4 * 8
        $matte = Get-Tile $sheet $width 1 1
        $notGrey = 0
        for ($i = 0; $i -lt $matte.Length; $i += 3) { if ($matte[$i] -ne $matte[$i + 1] -or $matte[$i] -ne $matte[$i + 2]) { $notGrey++ } }
        $notGrey | Should -Be 0
        ($matte | Measure-Object -Maximum).Maximum | Should -BeGreaterThan 128   # someone is in the matte

        # Row 1 is frame 7; its neighbours differ from it, so the tile names the frame.
        $frames = Read-RawPixels $Clip 'rgb24'
        $input = Get-Tile $sheet $width 1 0
        $size = 320 * 240 * 3
        $diff = foreach ($n in 6, 7, 8) {
            $sum = 0L
            for ($i = 0; $i -lt $size; $i += 7) { $sum += [Math]::Abs([int]$input[$i] - [int]$frames[$n * $size + $i]) }
            $sum / ($size / 7)
        }
        $diff[1] | Should -BeLessThan 1.5
        $diff[0] | Should -BeGreaterThan $diff[1]
        $diff[2] | Should -BeGreaterThan $diff[1]
    }

    It 'tags the sheet as Rvm''s, so a later conversion of the folder skips it as an input' {
        # ffmpeg writes no PNG metadata: Rvm adds its provenance tag as PNG text, and ffprobe sees it as the frame's.
        $tags = (& ffprobe -v error -show_frames -show_entries frame_tags -of json $Result.PreviewPath | ConvertFrom-Json).frames[0].tags
        $tags.Comment | Should -Match '^rvm-output/1 kind=preview source=clip\.mp4$'
        $run = Convert-RvmVideo -LiteralPath $Result.PreviewPath -Model $Model -Output Alpha -Verbose 4>&1
        @($run | Where-Object { $_ -is [Rvm.Matting.RvmConversionResult] }).Count | Should -Be 0
        ($run | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'is an output of Rvm \(the preview of'
        Join-Path $Work 'clip.preview.alpha.mp4' | Should -Not -Exist
    }

    It 'leaves a file of the sheet''s name that Rvm did not write, with an error, and still emits the result' {
        $folder = Join-Path $Work 'foreign'
        New-Item -ItemType Directory $folder | Out-Null
        $clip = Copy-Item $Clip (Join-Path $folder 'mine.mp4') -PassThru
        $theirs = Join-Path $folder 'mine.preview.png'
        Copy-Item (Join-Path $RepoRoot 'docs/preview.png') $theirs
        $before = (Get-FileHash $theirs).Hash
        $err = $null
        $r = Convert-RvmVideo -LiteralPath $clip.FullName -Model $Model -Output Alpha -Preview -PreviewFrames 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $r.AlphaPath | Should -Exist
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PreviewFailed*'
        $err[0].Exception.Message | Should -Match 'is not a preview sheet Rvm wrote'
        (Get-FileHash $theirs).Hash | Should -Be $before
        # Its own sheet it replaces: the next run with the foreign file gone writes one, and a run after that replaces it.
        Remove-Item $theirs
        Convert-RvmVideo -LiteralPath $clip.FullName -Model $Model -Output Alpha -Preview -PreviewFrames 1 -Force | Out-Null
        $first = (Get-Item $theirs).LastWriteTimeUtc
        Convert-RvmVideo -LiteralPath $clip.FullName -Model $Model -Output Alpha -Preview -PreviewFrames 1 -Force -ErrorAction Stop | Out-Null
        (Get-Item $theirs).LastWriteTimeUtc | Should -BeGreaterThan $first
        Get-ChildItem -LiteralPath $folder -Force -Filter '*partial*' | Should -BeNullOrEmpty
    }

    It 'reports a sheet it cannot make as an error of its own and still emits the result' {
        $result = Convert-RvmVideo -LiteralPath $Clip -Model $Model -Destination "$Work/png" -OutputType PngSequence -Output Alpha -Preview -ErrorVariable err -ErrorAction SilentlyContinue
        $result.FrameCount | Should -Be 20
        $result.PreviewPath | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PreviewFailed*'
        $err[0].Exception.Message | Should -BeLike '*folder of pictures*'
        Test-Path "$Work/png/clip.preview.png" | Should -BeFalse
    }
}

Describe 'New-RvmPreview' {
    It 'makes the sheet of a piped conversion result, replacing the old one with -Force' {
        $file = $Result | New-RvmPreview -Frames 2 -Force
        $file | Should -BeOfType ([IO.FileInfo])
        $file.FullName | Should -Be $Result.PreviewPath
        (Get-Probe $file.FullName).streams[0].height | Should -Be (2 * (20 + 240 + 8) + 8)
    }

    It 'finds the outputs beside the input by their default names' {
        $other = Join-Path $Work 'found'
        New-Item -ItemType Directory $other | Out-Null
        Copy-Item $Clip (Join-Path $other 'take.mp4')
        Copy-Item $Result.AlphaPath (Join-Path $other 'take.alpha.mp4')
        $file = New-RvmPreview -Path (Join-Path $other 'take.mp4') -Frames 3
        $file.Name | Should -Be 'take.preview.png'
        # No composition: rows of input | matte.
        (Get-Probe $file.FullName).streams[0].width | Should -Be (2 * 320 + 3 * 8)
    }

    It 'keeps an existing sheet without -Force, with a ResourceExists error' {
        $before = (Get-FileHash $Result.PreviewPath).Hash
        New-RvmPreview -LiteralPath $Clip -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        (Get-FileHash $Result.PreviewPath).Hash | Should -Be $before
    }

    It 'names a missing alpha output in its error and leaves no picture behind' {
        $empty = Join-Path $Work 'missing'
        New-Item -ItemType Directory $empty | Out-Null
        $missing = Join-Path $empty 'clip.alpha.mp4'
        New-RvmPreview -LiteralPath $Clip -AlphaPath $missing -Destination $empty -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "*$missing*"
        @(Get-ChildItem -Force $empty) | Should -HaveCount 0
    }

    It 'writes nothing with -WhatIf' {
        $dest = Join-Path $Work 'whatif'
        New-Item -ItemType Directory $dest | Out-Null
        New-RvmPreview -LiteralPath $Clip -AlphaPath $Result.AlphaPath -Destination $dest -WhatIf | Should -BeNullOrEmpty
        @(Get-ChildItem -Force $dest) | Should -HaveCount 0
    }
}

Describe 'Get-RvmBatch and preview sheets' {
    It 'lists the sheets made for the outputs of finished tasks' {
        New-RvmBatch -LiteralPath $Clip -Destination "$Work/batch-out" -JobFolder "$Work/job" -Model $Model -Output Composition, Alpha | Out-Null
        $env:JOB_COMPLETION_INDEX = '0'
        try { Invoke-RvmBatchTask "$Work/job" | Out-Null }
        finally { Remove-Item Env:JOB_COMPLETION_INDEX }
        (Get-RvmBatch "$Work/job").Previews | Should -BeNullOrEmpty
        $sheet = (Get-RvmBatch "$Work/job").Results | New-RvmPreview -Frames 2
        $sheet.FullName | Should -Be "$Work/batch-out/clip.preview.png"
        $status = Get-RvmBatch "$Work/job"
        $status.Previews | Should -Be @($sheet.FullName)
        $status.Results[0].PreviewPath | Should -Be $sheet.FullName
    }
}

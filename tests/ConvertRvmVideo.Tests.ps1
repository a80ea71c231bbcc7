BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-video-$([guid]::NewGuid().ToString('N'))"
    $script:Fx = Join-Path $Work 'fixtures'
    New-Item -ItemType Directory $Fx | Out-Null
    # Fixtures come from the shared media beside the checkout; without it, from the bundled samples (the same
    # footage, smaller).
    $media = Join-Path $RepoRoot '../shared/media'
    if (Test-Path (Join-Path $media 'vtest-first20s.avi')) {
        $vtest = Join-Path $media 'vtest-first20s.avi'
        $portrait = Join-Path $media 'astronaut.png'
    }
    else {
        $vtest = Join-Path $RepoRoot 'samples/street.mp4'
        $portrait = Join-Path $RepoRoot 'samples/astronaut.jpg'
    }

    # Small fixtures made from the shared media: 2 s at 10 fps, 320x240 unless said otherwise.
    function New-Fixture([string] $Name, [string[]] $Arguments) {
        $path = Join-Path $Fx $Name
        & ffmpeg -v error -y @Arguments $path
        if ($LASTEXITCODE -ne 0) { throw "Could not make the fixture $Name" }
        $path
    }
    $script:WithAudio = New-Fixture 'with audio.mp4' @('-i', $vtest, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '2',
        '-vf', 'scale=320:240', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest')
    $script:NoAudio = New-Fixture 'no-audio.mp4' @('-i', $vtest, '-t', '2', '-vf', 'scale=320:240', '-c:v', 'libx264', '-pix_fmt', 'yuv420p')
    $script:Rotated = New-Fixture 'rotated.mp4' @('-i', $WithAudio, '-c', 'copy', '-metadata:s:v:0', 'rotate=90')
    $script:Vfr = New-Fixture 'vfr.mkv' @('-i', $vtest, '-t', '2', '-vf', "scale=320:240,select='not(eq(mod(n\,3)\,1))'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-pix_fmt', 'yuv420p')
    $script:Odd = New-Fixture 'odd.mkv' @('-i', $vtest, '-t', '2', '-vf', 'format=rgb24,crop=321:241:10:10', '-c:v', 'ffv1', '-pix_fmt', 'bgr0')
    $script:Pan = New-Fixture 'pan.mp4' @('-loop', '1', '-framerate', '10', '-i', $portrait, '-t', '2',
        '-vf', "crop=256:256:x='t*60':y=100", '-c:v', 'libx264', '-pix_fmt', 'yuv420p')
    $script:Ntsc = New-Fixture 'ntsc.mp4' @('-i', $vtest, '-t', '1', '-vf', 'scale=160:120', '-r', '30000/1001', '-c:v', 'libx264', '-pix_fmt', 'yuv420p')
    $script:Tiny = New-Fixture 'tiny.mp4' @('-i', $vtest, '-frames:v', '4', '-vf', 'scale=160:120', '-c:v', 'libx264', '-pix_fmt', 'yuv420p')
    $script:Folder = Join-Path $Fx 'picture folder'
    New-Item -ItemType Directory $Folder | Out-Null
    # Natural order: 1, 2, 10 - not 1, 10, 2.
    $frames = @(0, 1, 2)
    $names = @('1.png', '2.png', '10.png')
    for ($i = 0; $i -lt 3; $i++) {
        & ffmpeg -v error -y -i $vtest -vf "select='eq(n\,$(10 + 5 * $frames[$i]))',scale=160:120" -frames:v 1 (Join-Path $Folder $names[$i])
    }

    function Get-FrameCount([string] $Path) {
        [int](& ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 $Path)
    }
    function Get-PacketTimes([string] $Path) {
        @(& ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 $Path | ForEach-Object { [double]$_ } | Sort-Object)
    }
    # The matte of a transparent video (or of an alpha video), decoded to 8-bit grey, frame after frame.
    function Read-Alpha([string] $Path, [switch] $FromAlphaChannel) {
        $tmp = Join-Path $Work "alpha-$([guid]::NewGuid().ToString('N')).gray"
        $decoder = if ($Path -like '*.webm') { @('-c:v', 'libvpx-vp9') } else { @() }
        $filter = if ($FromAlphaChannel) { @('-vf', 'alphaextract') } else { @() }
        & ffmpeg -v error -y @decoder -i $Path @filter -f rawvideo -pix_fmt gray $tmp
        $bytes = [IO.File]::ReadAllBytes($tmp)
        Remove-Item $tmp
        , $bytes
    }
    function Read-PngFolderAlpha([string] $Folder, [switch] $FromAlphaChannel) {
        $all = [Collections.Generic.List[byte]]::new()
        foreach ($png in Get-ChildItem $Folder -Filter *.png | Sort-Object Name) {
            $bytes = if ($FromAlphaChannel) { Read-RawPixels $png.FullName 'rgba' } else { Read-RawPixels $png.FullName 'gray' }
            if ($FromAlphaChannel) { for ($p = 3; $p -lt $bytes.Length; $p += 4) { $all.Add($bytes[$p]) } } else { $all.AddRange($bytes) }
        }
        , $all.ToArray()
    }
    function Compare-Bytes([byte[]] $A, [byte[]] $B) {
        $A.Length | Should -Be $B.Length
        [RvmTests.Pixels]::Compare([RvmTests.Pixels]::FromBytes($A), [RvmTests.Pixels]::FromBytes($B), $null, 1)
    }
    function Test-NoTemporaryFiles([string] $Folder) {
        @(Get-ChildItem -LiteralPath $Folder -Force -Recurse | Where-Object Name -match '\.partial|\.rvm-(lock|old)$')
    }
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo' {
    Context 'a video with audio, every output' {
        BeforeAll {
            $script:Out = Join-Path $Work 'all'
            $script:Result = Get-Item -LiteralPath $WithAudio | Convert-RvmVideo -Model $Model -Destination $Out -Output Composition, Alpha, Foreground
        }

        It 'returns one result with the outputs and the figures' {
            $Result | Should -BeOfType ([Rvm.Matting.RvmConversionResult])
            $Result.Input | Should -Be $WithAudio
            $Result.CompositionPath | Should -Be (Join-Path $Out 'with audio.composition.mp4')
            $Result.AlphaPath | Should -Be (Join-Path $Out 'with audio.alpha.mp4')
            $Result.ForegroundPath | Should -Be (Join-Path $Out 'with audio.foreground.mp4')
            $Result.FrameCount | Should -Be 20
            $Result.Width | Should -Be 320
            $Result.Height | Should -Be 240
            $Result.FrameRate | Should -Be '10'
            $Result.Duration.TotalSeconds | Should -BeGreaterThan 1.9
            $Result.FramesPerSecond | Should -BeGreaterThan 0
            $Result.Device | Should -Be 'CPU'
        }

        It 'keeps frame count, rate, duration and audio in <Name>' -ForEach @(
            @{ Name = 'composition' }, @{ Name = 'alpha' }, @{ Name = 'foreground' }
        ) {
            $path = Join-Path $Out "with audio.$Name.mp4"
            Get-FrameCount $path | Should -Be 20
            $probe = Get-Probe $path
            $video = $probe.streams | Where-Object codec_type -eq 'video'
            $video.r_frame_rate | Should -Be '10/1'
            [double]$video.duration | Should -BeGreaterOrEqual 1.99
            ($probe.streams | Where-Object codec_type -eq 'audio').codec_name | Should -Be 'aac'
        }

        It 'writes the matte as full-range video: 0 stays 0 and 255 stays 255' {
            $alpha = Read-Alpha (Join-Path $Out 'with audio.alpha.mp4')
            ($alpha | Measure-Object -Minimum -Maximum).Minimum | Should -Be 0
            ($alpha | Measure-Object -Minimum -Maximum).Maximum | Should -Be 255
        }

        It 'leaves no temporary file' {
            Test-NoTemporaryFiles $Out | Should -BeNullOrEmpty
        }
    }

    Context 'timing and geometry follow the input' {
        It 'keeps a variable frame rate: the same timestamps, frame for frame' {
            $r = Convert-RvmVideo -LiteralPath $Vfr -Model $Model -CompositionPath (Join-Path $Work 'vfr.mkv')
            $r.FrameCount | Should -Be 13
            $in = Get-PacketTimes $Vfr
            $out = Get-PacketTimes (Join-Path $Work 'vfr.mkv')
            $out.Count | Should -Be $in.Count
            for ($i = 0; $i -lt $in.Count; $i++) { [Math]::Abs($out[$i] - $in[$i]) | Should -BeLessOrEqual 0.0011 }
        }

        It 'keeps a rational frame rate (30000/1001)' {
            $path = Join-Path $Work 'ntsc.out.mp4'
            Convert-RvmVideo -LiteralPath $Ntsc -Model $Model -CompositionPath $path | Out-Null
            (Get-Probe $path).streams[0].r_frame_rate | Should -Be '30000/1001'
            Get-FrameCount $path | Should -Be (Get-FrameCount $Ntsc)
        }

        It 'applies rotation metadata: a 320x240 picture shown turned comes out 240x320' {
            $r = Convert-RvmVideo -LiteralPath $Rotated -Model $Model -Destination (Join-Path $Work 'rot')
            $r.Width | Should -Be 240
            $r.Height | Should -Be 320
            $s = (Get-Probe $r.CompositionPath).streams | Where-Object codec_type -eq 'video'
            "$($s.width)x$($s.height)" | Should -Be '240x320'
        }

        It 'handles odd sizes: exact in a lossless format, padded by one row and column in H.264' {
            $mkv = Convert-RvmVideo -LiteralPath $Odd -Model $Model -CompositionPath (Join-Path $Work 'odd.out.mkv')
            $s = (Get-Probe $mkv.CompositionPath).streams[0]
            "$($s.width)x$($s.height)" | Should -Be '321x241'
            $mp4 = Convert-RvmVideo -LiteralPath $Odd -Model $Model -CompositionPath (Join-Path $Work 'odd.out.mp4')
            $s = (Get-Probe $mp4.CompositionPath).streams[0]
            "$($s.width)x$($s.height)" | Should -Be '322x242'
        }

        It 'writes no audio when the input has none' {
            $r = Convert-RvmVideo -LiteralPath $NoAudio -Model $Model -Destination (Join-Path $Work 'silent')
            @((Get-Probe $r.CompositionPath).streams | Where-Object codec_type -eq 'audio').Count | Should -Be 0
        }

        It 'scales the input first with -InputResize' {
            $r = Convert-RvmVideo -LiteralPath $Pan -Model $Model -CompositionPath (Join-Path $Work 'small.mp4') -InputResize 128, 96
            "$($r.Width)x$($r.Height)" | Should -Be '128x96'
        }
    }

    Context 'PNG sequences and pixels' {
        BeforeAll {
            $script:Seq = Join-Path $Work 'seq'
            $script:SeqResult = Convert-RvmVideo -LiteralPath $Pan -Model $Model -Destination $Seq -OutputType PngSequence -Output Composition, Alpha, Foreground -Background '#3050ff'
        }

        It 'numbers the pictures from 0000' {
            $names = (Get-ChildItem (Join-Path $Seq 'pan.alpha') | Sort-Object Name).Name
            $names.Count | Should -Be 20
            $names[0] | Should -Be '0000.png'
            $names[-1] | Should -Be '0019.png'
        }

        It 'composes fgr*a + bg*(1-a) within 8-bit rounding' {
            $comp = Read-RawPixels (Join-Path $Seq 'pan.composition/0007.png') 'rgb24'
            $alpha = Read-RawPixels (Join-Path $Seq 'pan.alpha/0007.png') 'gray'
            $fgr = Read-RawPixels (Join-Path $Seq 'pan.foreground/0007.png') 'rgb24'
            $bg = 0x30, 0x50, 0xff
            for ($p = 0; $p -lt $alpha.Length; $p += 53) {
                $a = $alpha[$p] / 255
                for ($c = 0; $c -lt 3; $c++) {
                    $want = ($fgr[3 * $p + $c] / 255) * $a + ($bg[$c] / 255) * (1 - $a)
                    # The stored fgr and alpha are rounded too, so allow two levels.
                    [Math]::Abs($comp[3 * $p + $c] / 255 - $want) | Should -BeLessOrEqual (2 / 255)
                }
            }
        }

        It 'agrees with Invoke-RvmFrame on the same frames' {
            $frames = @(Get-RvmVideoFrame -LiteralPath $Pan | Invoke-RvmFrame -Model $Model -DownsampleRatio $SeqResult.DownsampleRatio)
            $frames.Count | Should -Be 20
            foreach ($i in 0, 9, 19) {
                $png = [RvmTests.Pixels]::FromBytes((Read-RawPixels (Join-Path $Seq ('pan.alpha/{0:D4}.png' -f $i)) 'gray'))
                ([RvmTests.Pixels]::Compare($frames[$i].Alpha, $png, $null, 1))[0] | Should -BeLessOrEqual 3e-3
            }
        }

        It 'takes a folder of pictures in natural order' {
            $r = Convert-RvmVideo -LiteralPath $Folder -Model $Model -Destination (Join-Path $Work 'fromfolder') -OutputType PngSequence -Output Alpha -FrameRate 25
            $r.FrameCount | Should -Be 3
            $r.FrameRate | Should -Be '25'
            $expected = @(Get-ChildItem -LiteralPath $Folder | Sort-Object { [int]$_.BaseName } | Invoke-RvmFrame -Model $Model -DownsampleRatio $r.DownsampleRatio)
            $written = Get-ChildItem (Join-Path $Work 'fromfolder/picture folder.alpha') | Sort-Object Name
            for ($i = 0; $i -lt 3; $i++) {
                $png = [RvmTests.Pixels]::FromBytes((Read-RawPixels $written[$i].FullName 'gray'))
                ([RvmTests.Pixels]::Compare($expected[$i].Alpha, $png, $null, 1))[0] | Should -BeLessOrEqual 3e-3
            }
        }
    }

    Context 'transparent outputs' {
        BeforeAll {
            $script:Ref = Join-Path $Work 'transparent'
            Convert-RvmVideo -LiteralPath $Pan -Model $Model -Destination $Ref -OutputType PngSequence -Output Composition -Background Transparent | Out-Null
            $script:PngAlpha = Read-PngFolderAlpha (Join-Path $Ref 'pan.composition') -FromAlphaChannel
        }

        It 'writes <Extension> with an alpha pixel format, and its alpha matches the PNG alpha (<Bound>)' -ForEach @(
            @{ Extension = '.mkv'; PixFmt = 'bgra'; MeanBound = 0; MaxBound = 0; Bound = 'lossless: exact' }
            @{ Extension = '.mov'; PixFmt = 'yuva444p12le'; MeanBound = 0.5 / 255; MaxBound = 2 / 255; Bound = 'ProRes 4444: within two levels' }
            @{ Extension = '.webm'; PixFmt = 'yuva420p'; MeanBound = 2 / 255; MaxBound = 1; Bound = 'VP9, lossy: mean within two levels' }
        ) {
            $path = Join-Path $Ref "pan$Extension"
            Convert-RvmVideo -LiteralPath $Pan -Model $Model -CompositionPath $path -Background Transparent | Out-Null
            $stream = (Get-Probe $path).streams[0]
            if ($Extension -eq '.webm') { $stream.tags.alpha_mode | Should -Be '1' } else { $stream.pix_fmt | Should -Be $PixFmt }
            $decoded = Read-Alpha $path -FromAlphaChannel
            $d = Compare-Bytes $PngAlpha $decoded
            $d[0] | Should -BeLessOrEqual ($MeanBound + 1e-9)
            $d[1] | Should -BeLessOrEqual ($MaxBound + 1e-9)
        }

        It 'refuses transparency in H.264 .mp4 before any work' {
            $err = $null
            $path = Join-Path $Work 'never.mp4'
            Convert-RvmVideo -LiteralPath $Pan -Model $Model -CompositionPath $path -Background Transparent -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].Exception.Message | Should -Match 'transparent composition needs a format with alpha'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $path | Should -Not -Exist
        }
    }

    Context 'the coefficient cut (ratios below 1 on the CPU)' {
        BeforeAll {
            # The same converted network loaded from its .onnx file alone has no cut: it runs the whole graph.
            $script:Whole = Import-RvmModel -Path $Model.Path -Device Cpu
            $script:Cut = Join-Path $Work 'cut'
            # Every folder of PNGs of the two paths, read as one byte array.
            function Read-PngFolder([string] $Folder, [string] $PixelFormat) {
                $all = [Collections.Generic.List[byte]]::new()
                foreach ($png in Get-ChildItem $Folder -Filter *.png | Sort-Object Name) { $all.AddRange([byte[]](Read-RawPixels $png.FullName $PixelFormat)) }
                , $all.ToArray()
            }
        }

        AfterAll { $Whole.Dispose() }

        It 'is taken with the default model and said with -Verbose' {
            $text = (Convert-RvmVideo -LiteralPath $Pan -Model $Model -Destination (Join-Path $Cut 'verbose') -Output Alpha -DownsampleRatio 0.5 -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
            $text | Should -Match 'The network runs at 128x128 \(ratio 0.5\)'
            $text = (Convert-RvmVideo -LiteralPath $Pan -Model $Whole -Destination (Join-Path $Cut 'verbose-whole') -Output Alpha -DownsampleRatio 0.5 -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
            $text | Should -Match 'runs the whole graph'
        }

        It 'gives what the whole graph gives, over <Name>' -ForEach @(
            @{ Name = 'a colour: composition, alpha and foreground'; Background = '#3050ff'; Outputs = @('Composition', 'Alpha', 'Foreground') }
            @{ Name = 'nothing (transparent)'; Background = 'Transparent'; Outputs = @('Composition') }
            @{ Name = 'a picture'; Background = 'picture'; Outputs = @('Composition') }
            @{ Name = 'a video'; Background = 'video'; Outputs = @('Composition') }
        ) {
            $bg = switch ($Background) { 'picture' { Join-Path $RepoRoot 'samples/astronaut.jpg' } 'video' { $Tiny } default { $Background } }
            $tag = ($Name -replace '\W', '')
            foreach ($m in @(@{ Model = $Model; Folder = "$tag-cut" }, @{ Model = $Whole; Folder = "$tag-whole" })) {
                $r = Convert-RvmVideo -LiteralPath $Pan -Model $m.Model -Destination (Join-Path $Cut $m.Folder) -OutputType PngSequence -Output $Outputs -Background $bg -DownsampleRatio 0.5
                $r.FrameCount | Should -Be 20
            }
            foreach ($output in $Outputs) {
                $format = if ($output -eq 'Alpha') { 'gray' } elseif ($Background -eq 'Transparent') { 'rgba' } else { 'rgb24' }
                $kind = $output.ToLowerInvariant()
                $a = Read-PngFolder (Join-Path $Cut "$tag-cut/pan.$kind") $format
                $b = Read-PngFolder (Join-Path $Cut "$tag-whole/pan.$kind") $format
                $d = Compare-Bytes $a $b
                # The same arithmetic in another order of rounding: almost every byte equal, none far off.
                $d[0] | Should -BeLessOrEqual (0.05 / 255) -Because "$output mean"
                $d[1] | Should -BeLessOrEqual (4 / 255) -Because "$output max"
            }
        }
    }

    Context 'backgrounds' {
        It 'composes over a picture (scaled to cover) and over a video (looped)' {
            $pic = Convert-RvmVideo -LiteralPath $Pan -Model $Model -CompositionPath (Join-Path $Work 'over-picture.mp4') -Background (Join-Path $RepoRoot 'samples/astronaut.jpg')
            $vid = Convert-RvmVideo -LiteralPath $Pan -Model $Model -CompositionPath (Join-Path $Work 'over-video.mp4') -Background $Tiny
            Get-FrameCount $pic.CompositionPath | Should -Be 20
            Get-FrameCount $vid.CompositionPath | Should -Be 20
        }

        It 'refuses a background that is neither colour nor file' {
            { Convert-RvmVideo -LiteralPath $Pan -Model $Model -Destination $Work -Background 'no such thing' -ErrorAction Stop } | Should -Throw '*neither a colour*'
        }
    }

    Context 'GPU codecs' {
        It 'falls back to the CPU codecs with -HardwareVideo where ffmpeg has no GPU, and says why' -Skip:($env:RVM_EXPECT_CUDA -eq '1') {
            $out = Convert-RvmVideo -LiteralPath $Tiny -Model $Model -CompositionPath (Join-Path $Work 'hw.mp4') -HardwareVideo -Verbose 4>&1
            $result = $out | Where-Object { $_ -is [Rvm.Matting.RvmConversionResult] }
            $result.FrameCount | Should -Be 4
            $text = ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
            $text | Should -Match 'GPU decoding is not available .+; decoding on the CPU'
            # Verbose names the outputs NVENC would encode (colour .mp4 only), not every output.
            $text | Should -Match "NVENC is not available .+; encoding '.+hw\.mp4' on the CPU"
            (Get-Probe $result.CompositionPath).streams[0].codec_name | Should -Be 'h264'
        }
    }

    Context 'reruns' {
        BeforeAll {
            $script:Rerun = Join-Path $Work 'rerun'
            Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Destination $Rerun | Out-Null
        }

        It 'does not overwrite without -Force' {
            $err = $null
            Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Destination $Rerun -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        }

        It 'skips complete inputs with -SkipExisting, and converts again with -Force' {
            Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Destination $Rerun -SkipExisting | Should -BeNullOrEmpty
            (Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Destination $Rerun -Force).FrameCount | Should -Be 4
        }

        It 'writes nothing with -WhatIf' {
            Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Destination (Join-Path $Work 'whatif') -WhatIf
            Join-Path $Work 'whatif' | Should -Not -Exist
        }
    }

    Context 'bad inputs' {
        BeforeAll {
            $script:Bad = Join-Path $Work 'bad'
            New-Item -ItemType Directory $Bad | Out-Null
            $script:Empty = Join-Path $Bad 'empty.mp4'
            New-Item -ItemType File $Empty | Out-Null
            $script:Text = Join-Path $Bad 'text.mp4'
            Set-Content -LiteralPath $Text -Value 'not a video at all'
            $script:Truncated = Join-Path $Bad 'truncated.mkv'
            $bytes = [IO.File]::ReadAllBytes($Odd)
            [IO.File]::WriteAllBytes($Truncated, $bytes[0..([int]($bytes.Length * 0.6))])
            $script:AudioOnly = Join-Path $Bad 'audio.m4a'
            & ffmpeg -v error -y -f lavfi -i 'sine=frequency=440:duration=1' -c:a aac $AudioOnly
            $script:Missing = Join-Path $Bad 'missing.mp4'
            $script:Out = Join-Path $Work 'badout'
            $script:err = $null
            $script:results = @(Convert-RvmVideo -LiteralPath $Tiny, $Missing, $Empty, $Text, $Truncated, $AudioOnly, $NoAudio -Model $Model -Destination $Out -ErrorVariable script:err -ErrorAction SilentlyContinue)
        }

        It 'converts the good inputs around the bad ones' {
            $results.Count | Should -Be 2
            $results.Input | Should -Be @($Tiny, $NoAudio)
        }

        It 'names the file and the reason, with the right category: <Name>' -ForEach @(
            @{ Name = 'missing'; Index = 0; Category = 'ObjectNotFound'; Pattern = 'missing.mp4' }
            @{ Name = 'empty'; Index = 1; Category = 'InvalidData'; Pattern = 'empty.mp4.+empty' }
            @{ Name = 'not a video'; Index = 2; Category = 'InvalidData'; Pattern = 'text.mp4.+not a media file' }
            @{ Name = 'truncated'; Index = 3; Category = 'InvalidData'; Pattern = 'truncated.mkv.+(damaged|decoded)' }
            @{ Name = 'no video stream'; Index = 4; Category = 'InvalidData'; Pattern = 'audio.m4a.+no video stream' }
        ) {
            $err.Count | Should -Be 5
            $err[$Index].Exception.Message | Should -Match $Pattern
            $err[$Index].CategoryInfo.Category | Should -Be $Category
        }

        It 'leaves no partial output of the bad inputs' {
            @(Get-ChildItem -LiteralPath $Out -Force).Name | Sort-Object | Should -Be @('no-audio.composition.mp4', 'tiny.composition.mp4')
        }

        It 'reports a destination that cannot be written' {
            $blocker = Join-Path $Work 'a file, not a folder'
            Set-Content -LiteralPath $blocker -Value 'x'
            $e = $null
            Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Destination $blocker -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].Exception.Message | Should -Match ([regex]::Escape($blocker))
            $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Destination $blocker -ErrorAction SilentlyContinue
            $? | Should -BeFalse
        }

        It 'stops at the first bad input with -ErrorAction Stop' {
            { Convert-RvmVideo -LiteralPath $Text, $Tiny -Model $Model -Destination (Join-Path $Work 'stop') -ErrorAction Stop } | Should -Throw '*text.mp4*'
            Join-Path $Work 'stop/tiny.composition.mp4' | Should -Not -Exist
        }
    }

    Context 'interruption' {
        It 'leaves no partial output and no ffmpeg process when stopped, and the next conversion works' {
            $long = New-Fixture 'long.mp4' @('-stream_loop', '3', '-i', $vtest, '-t', '40', '-vf', 'scale=320:240', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p')
            $out = Join-Path $Work 'stopped'
            $job = Start-ThreadJob -ScriptBlock {
                param($module, $path, $out)
                Import-Module $module
                # The direct path: 40 s would otherwise be converted in chunks, kept for resume when stopped (tests/Resume.Tests.ps1).
                Convert-RvmVideo -LiteralPath $path -Destination $out -Output Composition, Alpha -Device Cpu -CheckpointFrames 0
            } -ArgumentList $ModulePath, $long, $out
            # Wait until the conversion is under way (its ffmpeg processes are running), then stop it. Only this
            # process's own ffmpeg count: other conversions may run on the machine meanwhile.
            $deadline = (Get-Date).AddSeconds(60)
            while ((Get-Date) -lt $deadline -and @(Get-OwnProcess ffmpeg).Count -lt 2) { Start-Sleep -Milliseconds 200 }
            Start-Sleep -Seconds 2
            $job | Stop-Job
            $job | Remove-Job -Force
            Get-OwnProcessCountAfter ffmpeg | Should -Be 0
            if (Test-Path $out) { @(Get-ChildItem -LiteralPath $out -Force) | Should -BeNullOrEmpty }
            (Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Destination $out).FrameCount | Should -Be 4
        }
    }

    Context 'file names are data' {
        It 'converts <Label>' -ForEach @(
            @{ Label = 'spaces'; FileName = 'my clip.mp4' }
            @{ Label = 'quotes'; FileName = 'it''s "the" clip.mp4' }
            @{ Label = 'semicolon, dollar and ampersand'; FileName = 'a;b $x & c.mp4' }
            @{ Label = 'a leading dash'; FileName = '-y.mp4' }
            @{ Label = 'unicode'; FileName = 'vidéo 動画.mp4' }
            @{ Label = 'a colon and a percent'; FileName = 'take:2 100%d.mp4' }
        ) {
            if ($IsWindows -and $FileName -match '["*:?<>|]') { Set-ItResult -Skipped -Because 'Windows does not allow this name'; return }
            $folder = Join-Path $Work "names $Label"
            New-Item -ItemType Directory $folder | Out-Null
            $path = Join-Path $folder $FileName
            Copy-Item -LiteralPath $Tiny -Destination $path
            $r = Get-Item -LiteralPath $path | Convert-RvmVideo -Model $Model -Output Composition, Alpha -OutputType Video
            $r.FrameCount | Should -Be 4
            $r.CompositionPath | Should -Exist
            $r.AlphaPath | Should -Exist
            $seq = Convert-RvmVideo -LiteralPath $path -Model $Model -OutputType PngSequence -Output Alpha
            @(Get-ChildItem -LiteralPath $seq.AlphaPath).Count | Should -Be 4
        }
    }
}

Describe 'Get-RvmVideoFrame' {
    It 'streams frames with index, timestamp and pixels, and stops ffmpeg when the pipeline stops early' {
        $frames = @(Get-RvmVideoFrame -LiteralPath $Vfr | Select-Object -First 4)
        $frames.Count | Should -Be 4
        $frames[3].Index | Should -Be 3
        $frames[1].Timestamp.TotalSeconds | Should -BeGreaterThan 0.15
        $frames[0].Pixels.Length | Should -Be (320 * 240 * 3)
        Get-OwnProcessCountAfter ffmpeg | Should -Be 0
    }

    It 'feeds Invoke-RvmFrame' {
        $r = @(Get-RvmVideoFrame -LiteralPath $Tiny | Invoke-RvmFrame -Model $Model)
        $r.Count | Should -Be 4
        $r[3].State.IsInitial | Should -BeFalse
    }
}

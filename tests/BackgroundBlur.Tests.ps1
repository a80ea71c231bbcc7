# -Background Blur on the real model: the person stays sharp and the background's high frequencies are gone, in
# both composing paths (ratio 0.5: the coefficient cut, whose alpha is made first for the blur's weights; ratio 1:
# the whole graph's full-size matte, which carries its input frame to the writer); plan errors cost nothing.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-blur-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    New-Item -ItemType Directory $Work | Out-Null
    $script:Clip = Join-Path $Work 'clip.mp4'
    & ffmpeg -v error -y -i (Get-SourceVideo) -frames:v 3 -vf 'scale=480:360' -c:v libx264 -qp 0 -pix_fmt yuv444p $Clip
    if ($LASTEXITCODE -ne 0) { throw 'Could not make the fixture clip.mp4' }
    # Mean |4-neighbour Laplacian| of the grey level, where the matte is solid (alpha > 0.95) and where it is empty
    # (alpha < 0.05): the high frequencies of the subject and of the background.
    Add-Type -TypeDefinition @'
public static class BlurMeasure
{
    public static double[] Laplacian(byte[] rgb, byte[] alpha, int width, int height)
    {
        double inside = 0, outside = 0; long nIn = 0, nOut = 0;
        for (int f = 0; f < alpha.Length / (width * height); f++)
            for (int y = 1; y < height - 1; y++)
                for (int x = 1; x < width - 1; x++)
                {
                    int p = f * width * height + y * width + x;
                    System.Func<int, double> grey = q => (rgb[3 * q] + rgb[3 * q + 1] + rgb[3 * q + 2]) / 3.0;
                    double l = System.Math.Abs(4 * grey(p) - grey(p - 1) - grey(p + 1) - grey(p - width) - grey(p + width));
                    if (alpha[p] > 242) { inside += l; nIn++; }
                    else if (alpha[p] < 13) { outside += l; nOut++; }
                }
        return new[] { inside / nIn, outside / nOut, nIn, nOut };
    }
}
'@
    # A big subject too: the astronaut, as a folder of one picture.
    $script:Still = Join-Path $Work 'astronaut'
    New-Item -ItemType Directory $Still | Out-Null
    Copy-Item (Join-Path $RepoRoot 'samples/astronaut.jpg') $Still
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo -Background Blur' {
    It 'keeps the person sharp and takes the background''s high frequencies away (<Name>, ratio <Ratio>)' -ForEach @(
        @{ Name = 'clip'; Ratio = 0.5; Width = 480; Height = 360; Frames = 3 }
        @{ Name = 'clip'; Ratio = 1.0; Width = 480; Height = 360; Frames = 3 }
        @{ Name = 'astronaut'; Ratio = 0.5; Width = 384; Height = 384; Frames = 1 }
    ) {
        $in = if ($Name -eq 'clip') { $Clip } else { $Still }
        $out = Join-Path $Work "blur-$Name-$Ratio"
        Convert-RvmVideo -LiteralPath $in -Model $Model -Output Composition, Alpha -OutputType PngSequence -Background Blur -DownsampleRatio $Ratio -Destination $out | Out-Null
        $alpha = Read-RawPixels (Join-Path $out "$Name.alpha/%04d.png") 'gray'
        $composed = Read-RawPixels (Join-Path $out "$Name.composition/%04d.png") 'rgb24'
        $source = Read-RawPixels $(if ($Name -eq 'clip') { $Clip } else { Join-Path $Still 'astronaut.jpg' }) 'rgb24'
        $alpha.Length | Should -Be ($Width * $Height * $Frames)
        $before = [BlurMeasure]::Laplacian($source, $alpha, $Width, $Height)
        $after = [BlurMeasure]::Laplacian($composed, $alpha, $Width, $Height)
        Write-Host ("{0} ratio {1}: subject {2:0.00} -> {3:0.00}, background {4:0.00} -> {5:0.00} ({6} and {7} pixels)" -f $Name, $Ratio, $before[0], $after[0], $before[1], $after[1], $before[2], $before[3])
        $before[2] | Should -BeGreaterThan 1000 # there is a person, and a background
        $before[3] | Should -BeGreaterThan 1000
        $after[0] / $before[0] | Should -BeGreaterThan 0.85
        $after[0] / $before[0] | Should -BeLessThan 1.15
        $after[1] / $before[1] | Should -BeLessThan 0.15
    }

    It 'converts in segments whose pre-roll frames give their input frames back (ratio 1)' {
        # A part's pre-roll frames only warm its state; at ratio 1 each frame travels with its matte for the blur,
        # and one kept after its warm-up would drain the pool of 7 frames within 10 frames: the conversion would hang.
        $long = Join-Path $Work 'long.mp4'
        & ffmpeg -v error -y -stream_loop 9 -i (Get-SourceVideo) -vf 'setpts=N/10/TB,scale=160:120' -r 10 -frames:v 40 -c:v libx264 -preset ultrafast -pix_fmt yuv420p $long
        $out = Join-Path $Work 'segments'
        $p = Start-Conversion "Convert-RvmVideo -LiteralPath '$long' -Device Cpu -Background Blur -DownsampleRatio 1 -Segments 2 -PreRoll 12 -Container Mkv -Destination '$out' | ForEach-Object FrameCount"
        try {
            $p.WaitForExit(120000) | Should -BeTrue -Because 'the conversion ends'
            $p.ExitCode | Should -Be 0 -Because $p.StandardError.ReadToEnd()
            $p.StandardOutput.ReadToEnd().Trim() | Should -Be '40'
        }
        finally { if (-not $p.HasExited) { $p.Kill($true) }; $p.Dispose() }
        (& ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 (Join-Path $out 'long.composition.mkv')) | Should -Be 40
    }

    It 'refuses -BlurRadius <Radius> with <Background>, naming it, and writes nothing' -ForEach @(
        @{ Radius = 0; Background = 'Blur'; Message = 'BlurRadius 0 is out of range' }
        @{ Radius = 501; Background = 'Blur'; Message = 'BlurRadius 501 is out of range' }
        @{ Radius = 10; Background = 'White'; Message = '-BlurRadius applies to -Background Blur' }
    ) {
        $out = Join-Path $Work "bad-$Radius"
        $e = $null
        try { Convert-RvmVideo -LiteralPath $Clip -Model $Model -Destination $out -Background $Background -BlurRadius $Radius -ErrorAction Stop | Out-Null }
        catch { $e = $_ }
        $e | Should -Not -BeNullOrEmpty
        $e.Exception.Message | Should -Match ([regex]::Escape($Message))
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path $out | Should -BeFalse
    }
}

Describe 'New-RvmBatch -Background Blur' {
    It 'records the blur and its radius in the plan its tasks run' {
        $job = Join-Path $Work 'job'
        New-RvmBatch $Clip -Destination (Join-Path $Work 'batch-out') -JobFolder $job -Model $Model -Background Blur -BlurRadius 9 | Out-Null
        $entry = (Get-Content (Join-Path $job 'plan.json') -Raw | ConvertFrom-Json -AsHashtable).Entries[0]
        $entry.Request.Background.Kind | Should -Be 'Blur'
        $entry.Request.BlurRadius | Should -Be 9
    }
}

Describe 'Save-RvmFrame -Background Blur' {
    It 'composes a frame result over its own input, blurred, as Convert-RvmVideo does' {
        $frame = Invoke-RvmFrame -LiteralPath (Join-Path $Still 'astronaut.jpg') -Model $Model
        $png = Join-Path $Work 'astronaut-blurred.png'
        $frame | Save-RvmFrame -CompositionPath $png -Background Blur -BlurRadius 9 | Out-Null
        $out = Join-Path $Work 'save-vs-convert'
        Convert-RvmVideo -LiteralPath $Still -Model $Model -OutputType PngSequence -Background Blur -BlurRadius 9 -DownsampleRatio $frame.DownsampleRatio -Destination $out | Out-Null
        $saved = Read-RawPixels $png 'rgb24'
        $converted = Read-RawPixels (Join-Path $out 'astronaut.composition/0000.png') 'rgb24'
        $saved.Length | Should -Be (384 * 384 * 3)
        $worst = 0
        for ($i = 0; $i -lt $saved.Length; $i++) { $worst = [Math]::Max($worst, [Math]::Abs($saved[$i] - $converted[$i])) }
        $worst | Should -BeLessOrEqual 1
    }

    It 'refuses -BlurRadius without -Background Blur, naming it' {
        $frame = Invoke-RvmFrame -LiteralPath (Join-Path $Still 'astronaut.jpg') -Model $Model
        { $frame | Save-RvmFrame -CompositionPath (Join-Path $Work 'white.png') -Background White -BlurRadius 5 } | Should -Throw '*-BlurRadius applies to -Background Blur*'
        Test-Path (Join-Path $Work 'white.png') | Should -BeFalse
    }
}

# The matte controls on the real model, through Convert-RvmVideo, New-RvmBatch and Save-RvmFrame: none given is byte for byte today's alpha, each
# control moves the alpha the way it should, and bad values are refused before any output is made. Ratio 0.5: the
# coefficient cut, whose alpha is made row by row while composing, so the controls take a full-frame pass first.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-matte-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    New-Item -ItemType Directory $Work | Out-Null
    $script:Clip = Join-Path $Work 'clip.mp4'
    & ffmpeg -v error -y -i (Get-SourceVideo) -frames:v 4 -vf 'scale=384:288' -c:v libx264 -pix_fmt yuv420p $Clip
    if ($LASTEXITCODE -ne 0) { throw 'Could not make the fixture clip.mp4' }
    # The alpha PNGs of one conversion, as one byte array of gray pixels, frame after frame.
    function Convert-Alpha([string] $Name, [hashtable] $Controls) {
        $out = Join-Path $Work $Name
        Convert-RvmVideo -LiteralPath $Clip -Model $Model -Output Alpha -OutputType PngSequence -DownsampleRatio 0.5 -Destination $out @Controls | Out-Null
        $raw = Join-Path $Work "$Name.gray"
        & ffmpeg -v error -y -i (Join-Path $out 'clip.alpha/%04d.png') -f rawvideo -pix_fmt gray $raw
        if ($LASTEXITCODE -ne 0) { throw "Could not read the alpha of $Name" }
        , [IO.File]::ReadAllBytes($raw)
    }
    function Get-Mean([byte[]] $Bytes) { ($Bytes | Measure-Object -Average).Average }
    $script:Plain = Convert-Alpha 'plain' @{}
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo matte controls' {
    It 'gives the same alpha bytes with every control at its default as with none' {
        $same = Convert-Alpha 'defaults' @{ MatteGrow = 0; MatteFeather = 0; MatteThreshold = 0, 1; TemporalSmoothing = 0 }
        $same.Length | Should -Be (384 * 288 * 4)
        [Linq.Enumerable]::SequenceEqual($Plain, $same) | Should -BeTrue
    }

    It 'grows and shrinks the subject, and a threshold hardens its edge' {
        $mean = Get-Mean $Plain
        (Get-Mean (Convert-Alpha 'grow' @{ MatteGrow = 3 })) | Should -BeGreaterThan ($mean + 1)
        (Get-Mean (Convert-Alpha 'shrink' @{ MatteGrow = -3 })) | Should -BeLessThan ($mean - 1)
        $hard = Convert-Alpha 'threshold' @{ MatteThreshold = 0.4, 0.6 }
        $soft = @($Plain | Where-Object { $_ -gt 0 -and $_ -lt 255 }).Count
        @($hard | Where-Object { $_ -gt 0 -and $_ -lt 255 }).Count | Should -BeLessThan $soft
    }

    It 'feathers the edge, and smooths over time from the second frame on' {
        $softPlain = @($Plain | Where-Object { $_ -gt 0 -and $_ -lt 255 }).Count
        $feathered = Convert-Alpha 'feather' @{ MatteFeather = 2 }
        @($feathered | Where-Object { $_ -gt 0 -and $_ -lt 255 }).Count | Should -BeGreaterThan $softPlain
        $plane = 384 * 288
        $smooth = Convert-Alpha 'smooth' @{ TemporalSmoothing = 0.85 }
        [Linq.Enumerable]::SequenceEqual([byte[]] $Plain[0..($plane - 1)], [byte[]] $smooth[0..($plane - 1)]) | Should -BeTrue
        [Linq.Enumerable]::SequenceEqual([byte[]] $Plain[$plane..($Plain.Length - 1)], [byte[]] $smooth[$plane..($smooth.Length - 1)]) | Should -BeFalse
    }

    It 'refuses a threshold whose low end is not below its high end, naming it, and writes nothing' {
        $out = Join-Path $Work 'bad'
        $e = $null
        Convert-RvmVideo -LiteralPath $Clip -Model $Model -Output Alpha -Destination $out -MatteThreshold 0.6, 0.4 -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e.Count | Should -Be 1
        $e[0].Exception.Message | Should -Match 'MatteThreshold 0.6,0.4 is out of range'
        Test-Path (Join-Path $out 'clip.alpha.mp4') | Should -BeFalse
    }
}

Describe 'New-RvmBatch matte controls' {
    It 'records the controls in the plan its tasks run' {
        $job = Join-Path $Work 'job'
        New-RvmBatch $Clip -Destination (Join-Path $Work 'batch-out') -JobFolder $job -Model $Model -MatteGrow -2 -MatteThreshold 0.1, 0.9 | Out-Null
        $entry = (Get-Content (Join-Path $job 'plan.json') -Raw | ConvertFrom-Json -AsHashtable).Entries[0]
        $entry.Request.Matte.Grow | Should -Be -2
        $entry.Request.Matte.ThresholdHigh | Should -Be 0.9
        $entry.Request.Matte.TemporalSmoothing | Should -Be 0
    }
}

Describe 'Save-RvmFrame matte controls' {
    BeforeAll {
        $script:Frame = Invoke-RvmFrame -LiteralPath (Join-Path $RepoRoot 'samples/astronaut.jpg') -Model $Model
        function Save-Alpha([string] $Name, [hashtable] $Controls) {
            $png = Join-Path $Work "$Name.png"
            $Frame | Save-RvmFrame -AlphaPath $png @Controls | Out-Null
            $raw = Join-Path $Work "$Name.frame.gray"
            & ffmpeg -v error -y -i $png -f rawvideo -pix_fmt gray $raw
            if ($LASTEXITCODE -ne 0) { throw "Could not read $png" }
            , [IO.File]::ReadAllBytes($raw)
        }
    }

    It 'saves the grown or shrunk matte, and the same bytes with the controls at their defaults' {
        $plain = Save-Alpha 'astronaut' @{}
        [Linq.Enumerable]::SequenceEqual($plain, (Save-Alpha 'astronaut-defaults' @{ MatteGrow = 0; MatteThreshold = 0, 1 })) | Should -BeTrue
        $mean = Get-Mean $plain
        (Get-Mean (Save-Alpha 'astronaut-grow' @{ MatteGrow = 3 })) | Should -BeGreaterThan ($mean + 1)
        (Get-Mean (Save-Alpha 'astronaut-shrink' @{ MatteGrow = -3 })) | Should -BeLessThan ($mean - 1)
    }

    It 'refuses a smoothing of 1 before saving anything' {
        $png = Join-Path $Work 'never.png'
        { $Frame | Save-RvmFrame -AlphaPath $png -TemporalSmoothing 1 -ErrorAction Stop } | Should -Throw '*TemporalSmoothing 1 is out of range*'
        Test-Path $png | Should -BeFalse
    }
}

# Errors that blame the right thing, and the size guard: each bad request is refused with its real cause, before
# any decoding, with no output left behind, and the next input still converts.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    # Short: a TMPDIR below it must stay under the 60 characters past which the module uses /tmp instead.
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-err-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    New-Item -ItemType Directory $Work | Out-Null
    function New-Clip([string] $Name, [int] $Width, [int] $Height, [int] $Frames = 3) {
        $path = Join-Path $Work $Name
        & ffmpeg -v error -y -i (Get-SourceVideo) -frames:v $Frames -vf "scale=${Width}:${Height}" -c:v libx264 -pix_fmt yuv420p $path
        if ($LASTEXITCODE -ne 0) { throw "Could not make the fixture $Name" }
        $path
    }
    $script:Tiny = New-Clip 'tiny.mp4' 160 120
    $script:Hd = New-Clip 'hd.mp4' 1280 720 2
    $script:Medium = New-Clip 'medium.mp4' 480 360
    $script:Portrait = Join-Path $RepoRoot 'samples/astronaut.jpg'
    # Everything an output folder holds, temporaries included.
    function Get-Leftovers([string] $Folder) { if (Test-Path -LiteralPath $Folder) { @(Get-ChildItem -LiteralPath $Folder -Force -Recurse) } else { @() } }
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo size guard' {
    It 'refuses an input over -MaxMemory before decoding, says what to change, and converts the next one' {
        # Estimates: 1280x720 with composition and alpha about 621 MB; 160x120 about 470 MB.
        $out = Join-Path $Work 'guard'
        $e = $null
        $r = @(Convert-RvmVideo -LiteralPath $Hd, $Tiny -Model $Model -Output Composition, Alpha -Destination $out -MaxMemory 550MB -ErrorVariable e -ErrorAction SilentlyContinue)
        $e.Count | Should -Be 1
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e[0].TargetObject | Should -Be $Hd
        $message = $e[0].Exception.Message
        $message | Should -Match ([regex]::Escape("'$Hd' at 1280x720"))
        $message | Should -Match 'would need about \d+ MB'
        $message | Should -Match 'over the limit of 550 MB \(-MaxMemory\)'
        $message | Should -Match '-InputResize \d+,\d+'
        $message | Should -Match 'a larger -MaxMemory'
        $r.Count | Should -Be 1
        $r[0].Input | Should -Be $Tiny
        @(Get-Leftovers $out | Where-Object Name -like 'hd*') | Should -BeNullOrEmpty
    }

    It 'suggests RVM''s own ratio when -DownsampleRatio 1 is what costs the memory' {
        $e = $null
        Convert-RvmVideo -LiteralPath $Tiny -Model $Model -InputResize 3840, 2160 -DownsampleRatio 1 -MaxMemory 2GB -Destination (Join-Path $Work 'ratio1') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e[0].Exception.Message | Should -Match 'at 3840x2160, ratio 1: the conversion would need about [5-7]\.\d GB'
        $e[0].Exception.Message | Should -Match '-DownsampleRatio 0\.133 \(RVM''s default at this size\)'
        # Refused while planning: not even the destination folder is made.
        Join-Path $Work 'ratio1' | Should -Not -Exist
    }

    It 'takes the limit from the machine by default (half of it)' {
        $half = [GC]::GetGCMemoryInfo().TotalAvailableMemoryBytes / 2
        # 16000x16000 at RVM's ratio needs about 16 GB; refused wherever that is over half the machine.
        if ($half -gt 15GB) { Set-ItResult -Skipped -Because 'this machine has room for a 16000x16000 conversion'; return }
        $e = $null
        Convert-RvmVideo -LiteralPath $Tiny -Model $Model -InputResize 16000, 16000 -Destination (Join-Path $Work 'huge') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e[0].Exception.Message | Should -Match 'by default half of this machine''s'
    }

    It 'refuses -InputResize <Size> as a frame ffmpeg cannot hold, not as an input that "could not be decoded"' -ForEach @(
        @{ Size = '16384,16384'; W = 16384; H = 16384 }
        @{ Size = '16384,16300'; W = 16384; H = 16300 }
    ) {
        $e = $null
        Convert-RvmVideo -LiteralPath $Tiny -Model $Model -InputResize $W, $H -MaxMemory 1TB -Destination (Join-Path $Work 'ffmpeg-size') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e[0].Exception.Message | Should -Match "a ${W}x${H} frame is larger than ffmpeg can hold"
        $e[0].Exception.Message | Should -Match 'Give a smaller -InputResize, e\.g\. -InputResize \d+,\d+'
        $e[0].Exception.Message | Should -Not -Match 'decoded'
    }

    It 'says the estimate and the limit in -Verbose' {
        $verbose = @(Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Output Alpha -MaxMemory 4GB -Destination (Join-Path $Work 'verbose') -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        ($verbose.Message -join "`n") | Should -Match ([regex]::Escape("'$Tiny' needs about ") + '\d+ MB at its peak, this process and ffmpeg together \(limit 4\.0 GB\)')
    }

    It 'stops with -ErrorAction Stop' {
        { Convert-RvmVideo -LiteralPath $Hd -Model $Model -MaxMemory 300MB -Destination (Join-Path $Work 'stop') -ErrorAction Stop } | Should -Throw '*over the limit of 300 MB*'
    }
}

Describe 'Downsample ratio' {
    It 'accepts the documented minimum, 0.01' {
        $r = Convert-RvmVideo -LiteralPath $Medium -Model $Model -DownsampleRatio 0.01 -Output Alpha -Destination (Join-Path $Work 'r001')
        $r.FrameCount | Should -Be 3
        $r.DownsampleRatio | Should -Be ([float]0.01)
        (Invoke-RvmFrame -LiteralPath $Portrait -Model $Model -DownsampleRatio 0.01).DownsampleRatio | Should -Be ([float]0.01)
    }

    It 'refuses <Ratio> at binding, naming the range' -ForEach @(@{ Ratio = 0.009 }, @{ Ratio = 1.01 }, @{ Ratio = 0 }) {
        { Convert-RvmVideo -LiteralPath $Tiny -Model $Model -DownsampleRatio $Ratio } | Should -Throw '*must be from 0.01 to 1*'
        { Invoke-RvmFrame -LiteralPath $Portrait -Model $Model -DownsampleRatio $Ratio } | Should -Throw '*must be from 0.01 to 1*'
    }

    It 'refuses a ratio that leaves the network under 3x3, with the smallest that works' {
        $e = $null
        Convert-RvmVideo -LiteralPath $Tiny -Model $Model -DownsampleRatio 0.01 -Destination (Join-Path $Work 'r-small') -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e[0].Exception.Message | Should -Match 'the network would see the 160x120 frame as 1x1, and it needs at least 3x3: give -DownsampleRatio 0\.025 or more'
        $r = Convert-RvmVideo -LiteralPath $Tiny -Model $Model -DownsampleRatio 0.025 -Output Alpha -Destination (Join-Path $Work 'r-small')
        $r.FrameCount | Should -Be 3
    }
}

Describe 'Errors that name the real cause' {
    It 'refuses -FrameRate <Rate> as out of range before anything starts' -ForEach @(@{ Rate = '1e30' }, @{ Rate = '1001' }, @{ Rate = '0' }, @{ Rate = '2147483648/1' }) {
        $folder = Join-Path $Work "pictures $Rate"
        New-Item -ItemType Directory $folder -Force | Out-Null
        Copy-Item $Portrait (Join-Path $folder '1.jpg')
        $e = $null
        Convert-RvmVideo -LiteralPath $folder -Model $Model -FrameRate $Rate -Destination (Join-Path $Work "fr $Rate") -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].Exception.Message | Should -BeLike "*-FrameRate '$Rate' is out of range*at most 1000 frames a second*"
        Get-Leftovers (Join-Path $Work "fr $Rate") | Should -BeNullOrEmpty
    }

    It 'refuses a -Background that is not a picture before converting any input' {
        $bad = Join-Path $Work 'not a picture.jpg'
        Set-Content -LiteralPath $bad -Value 'hello'
        $out = Join-Path $Work 'bad-bg'
        $err = { Convert-RvmVideo -LiteralPath $Tiny, $Medium -Model $Model -Background $bad -Destination $out } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match ([regex]::Escape("The background '$bad' is not a picture or video ffmpeg can read"))
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        Get-Leftovers $out | Should -BeNullOrEmpty
    }

    It 'still takes a -Background <Kind>' -ForEach @(@{ Kind = 'picture' }, @{ Kind = 'video' }) {
        $background = if ($Kind -eq 'picture') { $Portrait } else { $Medium }
        (Convert-RvmVideo -LiteralPath $Tiny -Model $Model -Background $background -Destination (Join-Path $Work "bg $Kind")).FrameCount | Should -Be 3
    }

    It 'names the temporary folder when it cannot be written, for <Cmdlet>' -ForEach @(@{ Cmdlet = 'Invoke-RvmFrame' }, @{ Cmdlet = 'Convert-RvmVideo' }) {
        # A folder below a file: not writable even by root.
        $blocker = Join-Path $Work 'f'
        Set-Content -LiteralPath $blocker -Value ''
        $temp = Join-Path $blocker 't'
        $folder = Join-Path $Work "pictures for $Cmdlet"
        New-Item -ItemType Directory $folder -Force | Out-Null
        Copy-Item $Portrait (Join-Path $folder '1.jpg')
        $saved = $env:TMPDIR, $env:TEMP
        $env:TMPDIR = $env:TEMP = $temp
        $e = $null
        try {
            if ($Cmdlet -eq 'Invoke-RvmFrame') { Invoke-RvmFrame -LiteralPath $Portrait -Model $Model -ErrorVariable e -ErrorAction SilentlyContinue }
            else { Convert-RvmVideo -LiteralPath $folder -Model $Model -Destination (Join-Path $Work 'tmp-out') -ErrorVariable e -ErrorAction SilentlyContinue }
        }
        finally { $env:TMPDIR, $env:TEMP = $saved }
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].Exception.Message | Should -Match ([regex]::Escape("The temporary folder '$temp"))
        $e[0].Exception.Message | Should -Match 'set TMPDIR'
        $e[0].Exception.Message | Should -Not -Match 'as an image'
    }
}

Describe '-Path that matches nothing' {
    BeforeAll {
        $script:Names = Join-Path $Work 'names'
        New-Item -ItemType Directory $Names | Out-Null
        Copy-Item -LiteralPath $Tiny -Destination (Join-Path $Names '[br].mp4')
    }

    It 'is an ItemNotFound error naming the path, and the other paths still convert' {
        $missing = Join-Path $Names 'nothing*.mp4'
        $e = $null
        $r = @(Convert-RvmVideo -Path $missing, (Join-Path $Names '[br].mp4') -Model $Model -Output Alpha -Destination (Join-Path $Work 'nomatch') -ErrorVariable e -ErrorAction SilentlyContinue)
        $e.Count | Should -Be 1
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        $e[0].Exception.Message | Should -Match ([regex]::Escape("'$missing'"))
        $r.Count | Should -Be 1
    }

    It 'sets $? to false' {
        Convert-RvmVideo -Path (Join-Path $Names 'nothing*.mp4') -Model $Model -ErrorAction SilentlyContinue
        $? | Should -BeFalse
    }

    It 'takes a name with brackets that exists as written (<How>)' -ForEach @(@{ How = 'relative' }, @{ How = 'full path' }) {
        Push-Location $Names
        try {
            $path = if ($How -eq 'relative') { '[br].mp4' } else { Join-Path $Names '[br].mp4' }
            $r = Convert-RvmVideo $path -Model $Model -Output Alpha -Destination (Join-Path $Work "brackets $How")
        }
        finally { Pop-Location }
        $r.Input | Should -Be (Join-Path $Names '[br].mp4')
        Test-Path -LiteralPath $r.AlphaPath | Should -BeTrue   # -Exist would read the brackets as a wildcard
    }

    It 'still expands a wildcard that matches' {
        Copy-Item -LiteralPath $Tiny -Destination (Join-Path $Names 'b.mp4')
        $r = @(Convert-RvmVideo -Path (Join-Path $Names '[b].mp4') -Model $Model -Output Alpha -Destination (Join-Path $Work 'wild'))
        $r.Count | Should -Be 1
        $r[0].Input | Should -Be (Join-Path $Names 'b.mp4')
    }
}

Describe 'Get-OwnProcess' -Skip:(-not $IsLinux) {
    It 'counts a process this one started and not one started elsewhere' {
        $own = [Diagnostics.Process]::Start('sleep', '30')
        # bash starts sleep in the background and exits: that sleep belongs to init (or a subreaper), not to us.
        $orphanId = [int](& bash -c 'sleep 31 >/dev/null 2>&1 & echo $!')
        try {
            $ids = @((Get-OwnProcess sleep).Id)
            $ids | Should -Contain $own.Id
            $ids | Should -Not -Contain $orphanId
        }
        finally {
            $own.Kill()
            Stop-Process -Id $orphanId -ErrorAction SilentlyContinue
        }
    }
}

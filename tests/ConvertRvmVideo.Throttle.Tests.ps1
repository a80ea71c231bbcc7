# Convert-RvmVideo -ThrottleLimit: several inputs at once, each with its own outputs, errors and Ctrl+C as one at a time.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-throttle-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Force (Join-Path $Work 'in') | Out-Null
    $source = Get-SourceVideo
    function New-Clip([string] $Name, [int] $Frames, [int] $Offset = 0) {
        $path = Join-Path $Work "in/$Name"
        & ffmpeg -v error -y -stream_loop 9 -i $source -vf "select='gte(n\,$Offset)',setpts=N/10/TB,scale=160:120" -r 10 -frames:v $Frames -c:v libx264 -preset ultrafast -pix_fmt yuv420p $path
        if ($LASTEXITCODE -ne 0) { throw "Could not make the clip $path" }
        $path
    }
    $script:A = New-Clip 'a.mp4' 40
    $script:B = New-Clip 'b.mp4' 40 -Offset 100
    $script:Unreadable = Join-Path $Work 'in/unreadable.mp4'
    [IO.File]::WriteAllBytes($Unreadable, [byte[]](1..200))
    $script:Damaged = Join-Path $Work 'in/damaged.mp4'
    New-DamagedClip $Damaged (Join-Path $Work 'in/clean.mp4')

    function Get-FrameCount([string] $Path) {
        [int](& ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 $Path)
    }
    function Get-Leftovers([string] $Folder) {
        @(Get-ChildItem -LiteralPath $Folder -Force -Recurse -ErrorAction SilentlyContinue | Where-Object Name -match '\.rvm-(partial|lock|old)$|\.partial$')
    }
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo -ThrottleLimit' {
    It 'converts two inputs at once, each to its own outputs, with the mattes of one at a time' {
        $out = Join-Path $Work 'two'
        $serial = Join-Path $Work 'serial'
        $verbose = $( $results = Convert-RvmVideo -LiteralPath $A, $B -Model $Model -Destination $out -Output Composition, Alpha -ThrottleLimit 2 -Verbose ) 4>&1
        $results.Count | Should -Be 2
        @($results.Input | Sort-Object) | Should -Be @($A, $B)
        foreach ($r in $results) {
            $r.FrameCount | Should -Be 40
            $r.CompositionPath | Should -Be (Join-Path $out "$([IO.Path]::GetFileNameWithoutExtension($r.Input)).composition.mp4")
            Get-FrameCount $r.CompositionPath | Should -Be 40
            Get-FrameCount $r.AlphaPath | Should -Be 40
        }
        "$verbose" | Should -Match 'Up to 2 inputs at once, 1 CPU thread\(s\) each' -Because 'two cores are divided between two conversions'
        # That they run at once is seen in the Ctrl+C test below: both write their temporaries at the same time.
        Get-Leftovers $out | Should -BeNullOrEmpty

        # The same mattes as one at a time on all threads (up to the float rounding of another thread count).
        $one = Convert-RvmVideo -LiteralPath $A -Model $Model -Destination $serial -Output Alpha
        $expected = Read-RawPixels $one.AlphaPath gray
        $actual = Read-RawPixels ($results | Where-Object Input -eq $A).AlphaPath gray
        $d = [RvmTests.Pixels]::Compare([RvmTests.Pixels]::FromBytes($expected), [RvmTests.Pixels]::FromBytes($actual), $null, 1)
        $d[0] | Should -BeLessThan (1 / 255)
    }

    It 'gives one error per bad input, naming it, and the other inputs still convert' {
        $out = Join-Path $Work 'errors'
        $results = Convert-RvmVideo -LiteralPath $A, $Unreadable, $Damaged, $B -Model $Model -Destination $out -ThrottleLimit 2 -ErrorVariable err -ErrorAction SilentlyContinue
        @($results.Input | Sort-Object) | Should -Be @($A, $B)
        $results | ForEach-Object { Get-FrameCount $_.CompositionPath | Should -Be 40 }
        $err.Count | Should -Be 2
        # The unreadable file fails when planned, the damaged one while converting on its worker.
        ($err | Where-Object TargetObject -eq $Unreadable) | Should -Not -BeNullOrEmpty
        ($err | Where-Object TargetObject -eq $Damaged).FullyQualifiedErrorId | Should -Match '^ConversionFailed'
        Join-Path $out 'damaged.composition.mp4' | Should -Not -Exist
        Join-Path $out 'unreadable.composition.mp4' | Should -Not -Exist
        Get-Leftovers $out | Should -BeNullOrEmpty
    }

    It 'stops the conversion still running when a downstream command wants no more (Select-Object -First 1)' {
        $out = Join-Path $Work 'first'
        $short = New-Clip 'short.mp4' 10
        $long = New-Clip 'long-first.mp4' 600
        $first = Convert-RvmVideo -LiteralPath $short, $long -Model $Model -Destination $out -ThrottleLimit 2 -CheckpointFrames 0 | Select-Object -First 1
        $first.Input | Should -Be $short
        Get-Leftovers $out | Should -BeNullOrEmpty
        Join-Path $out 'long-first.composition.mp4' | Should -Not -Exist
        Get-OwnProcessCountAfter ffmpeg | Should -Be 0
    }

    It 'asks -WhatIf for each input and converts nothing' {
        $out = Join-Path $Work 'whatif'
        Convert-RvmVideo -LiteralPath $A, $B -Model $Model -Destination $out -ThrottleLimit 2 -WhatIf | Should -BeNullOrEmpty
        Join-Path $out 'a.composition.mp4' | Should -Not -Exist
    }

    It 'is stopped as a whole by Ctrl+C: every running conversion ends, no temporaries, no outputs, no ffmpeg of its own' {
        $out = Join-Path $Work 'stopped'
        $long1 = New-Clip 'long1.mp4' 900
        $long2 = New-Clip 'long2.mp4' 900 -Offset 50
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($ModulePath).AddStatement()
            $null = $ps.AddCommand('Convert-RvmVideo').AddParameter('LiteralPath', @($long1, $long2)).AddParameter('Model', $Model).
                AddParameter('Destination', $out).AddParameter('ThrottleLimit', 2).AddParameter('CheckpointFrames', 0)
            $async = $ps.BeginInvoke()
            # Both conversions writing (one temporary each) before the stop.
            $deadline = (Get-Date).AddSeconds(120)
            while ((Get-Date) -lt $deadline -and @(Get-ChildItem -LiteralPath $out -Force -Filter '*.rvm-partial' -ErrorAction SilentlyContinue).Count -lt 2) { Start-Sleep -Milliseconds 100 }
            @(Get-ChildItem -LiteralPath $out -Force -Filter '*.rvm-partial').Count | Should -Be 2
            @(Get-OwnProcess ffmpeg).Count | Should -BeGreaterOrEqual 4 -Because 'two conversions run, each with a decoder and an encoder'
            $async.IsCompleted | Should -BeFalse
            $ps.Stop()
            $async.AsyncWaitHandle.WaitOne(30000) | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            # Right after the stop, not a moment later: the cmdlet waited for both workers to remove their temporaries.
            Get-Leftovers $out | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
        Get-OwnProcessCountAfter ffmpeg | Should -Be 0
        @(Get-ChildItem -LiteralPath $out -Force) | Should -BeNullOrEmpty
    }
}

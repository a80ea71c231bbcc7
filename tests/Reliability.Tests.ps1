# What unattended batches do to a conversion: reruns, name collisions, other runs, SIGTERM and SIGKILL, and folders
# that must never be deleted. Each class of failure is tried in more than one way, on the real model.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-reliability-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Work | Out-Null
    $script:Source = Get-SourceVideo

    # A 4-frame clip at 160x120 (about a second to convert), or a longer one for runs that are stopped midway.
    function New-Clip([string] $Path, [int] $Frames = 4, [int] $Offset = 0) {
        New-Item -ItemType Directory -Force (Split-Path $Path) | Out-Null
        $codec = if ($Path -like '*.mkv' -or $Path -like '*.mov') { @('-c:v', 'ffv1') } else { @('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p') }
        & ffmpeg -v error -y -stream_loop 9 -i $Source -vf "select='gte(n\,$Offset)',setpts=N/10/TB,scale=160:120" -r 10 -frames:v $Frames @codec $Path
        if ($LASTEXITCODE -ne 0) { throw "Could not make the clip $Path" }
        $Path
    }
    function Get-Sha([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }
    function Get-Leftovers([string] $Folder) {
        @(Get-ChildItem -LiteralPath $Folder -Force -Recurse -ErrorAction SilentlyContinue | Where-Object Name -match '\.rvm-(partial|lock|old)$|\.partial$')
    }

    function Test-Alive([int] $ProcessId) { Test-Path "/proc/$ProcessId" }

    function Wait-Temporaries([string] $Folder, [int] $Count = 2) {
        $deadline = (Get-Date).AddSeconds(60)
        while ((Get-Date) -lt $deadline -and @(Get-ChildItem -LiteralPath $Folder -Force -Filter '*.rvm-partial' -ErrorAction SilentlyContinue).Count -lt $Count) { Start-Sleep -Milliseconds 100 }
        # Let the encoders write a little before the run is stopped.
        Start-Sleep -Milliseconds 1500
    }

    $script:Long = New-Clip (Join-Path $Work 'fixtures/long.mp4') -Frames 900
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Rvm never deletes or overwrites what is not its own output' {
    BeforeAll {
        $script:Shots = Join-Path $Work 'shots'
        $script:Take = New-Clip (Join-Path $Shots 'take1.mp4')
        Set-Content (Join-Path $Shots 'notes.txt') 'my notes'
        $script:ShotsBefore = @(Get-ChildItem -LiteralPath $Shots -Force -Recurse | ForEach-Object FullName | Sort-Object)
    }

    It 'refuses, even with -Force, a PNG folder that <Label>' -ForEach @(
        @{ Label = 'holds the input and other files'; Target = 'shots' }
        @{ Label = 'is the current folder'; Target = '.' }
        @{ Label = 'is the parent of the input''s folder'; Target = '..' }
    ) {
        Push-Location $Shots
        try {
            $result = Convert-RvmVideo -LiteralPath $Take -Model $Model -OutputType PngSequence -AlphaPath ($Target -replace '^shots$', $Shots) -Force -ErrorVariable err -ErrorAction SilentlyContinue
        }
        finally { Pop-Location }
        $result | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'never replaces what it did not make'
        @(Get-ChildItem -LiteralPath $Shots -Force -Recurse | ForEach-Object FullName | Sort-Object) | Should -Be $ShotsBefore
        Get-Content (Join-Path $Shots 'notes.txt') | Should -Be 'my notes'
    }

    It 'replaces with -Force a PNG folder it made, and only with -Force' {
        $frames = Join-Path $Work 'frames/take1.alpha'
        (Convert-RvmVideo -LiteralPath $Take -Model $Model -OutputType PngSequence -AlphaPath $frames).FrameCount | Should -Be 4
        @(Get-ChildItem -LiteralPath $frames -Filter *.png).Count | Should -Be 4
        Convert-RvmVideo -LiteralPath $Take -Model $Model -OutputType PngSequence -AlphaPath $frames -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        (Convert-RvmVideo -LiteralPath $Take -Model $Model -OutputType PngSequence -AlphaPath $frames -Force).FrameCount | Should -Be 4
        @(Get-ChildItem -LiteralPath $frames -Force).Name | Sort-Object | Should -Be @('.rvm-output', '0000.png', '0001.png', '0002.png', '0003.png')
    }

    It 'refuses a file it did not make, even with -Force' {
        $mine = Join-Path $Work 'mine.mp4'
        New-Clip $mine | Out-Null
        $before = Get-Sha $mine
        Convert-RvmVideo -LiteralPath $Take -Model $Model -CompositionPath $mine -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'carries no Rvm tag'
        Get-Sha $mine | Should -Be $before
    }

    It 'knows the input through a symlinked folder, a hard link and ..' {
        $real = Join-Path $Work 'real'
        $clip = New-Clip (Join-Path $real 'clip.mp4')
        $before = Get-Sha $clip
        New-Item -ItemType SymbolicLink -Path (Join-Path $Work 'link') -Target $real | Out-Null
        New-Item -ItemType HardLink -Path (Join-Path $Work 'hard.mp4') -Target $clip | Out-Null
        foreach ($alias in @((Join-Path $Work 'link/clip.mp4'), (Join-Path $Work 'hard.mp4'), (Join-Path $real '../real/clip.mp4'))) {
            Convert-RvmVideo -LiteralPath $clip -Model $Model -CompositionPath $alias -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].Exception.Message | Should -Match 'is the input itself'
        }
        Get-Sha $clip | Should -Be $before
    }

    It 'tells SAME.mp4 from same.mp4 where the file system does' -Skip:(-not $IsLinux) {
        $same = New-Clip (Join-Path $Work 'case/same.mp4')
        (Convert-RvmVideo -LiteralPath $same -Model $Model -CompositionPath (Join-Path $Work 'case/SAME.mp4')).FrameCount | Should -Be 4
    }

    It 'checks every output before replacing any: an alpha path that is a folder keeps the old composition' {
        $out = Join-Path $Work 'allornothing'
        (Convert-RvmVideo -LiteralPath $Take -Model $Model -Destination $out).FrameCount | Should -Be 4
        $composition = Join-Path $out 'take1.composition.mp4'
        $before = Get-Sha $composition
        $folder = New-Item -ItemType Directory (Join-Path $out 'alpha-folder.mp4')
        Set-Content (Join-Path $folder 'keep.txt') 'keep'
        Convert-RvmVideo -LiteralPath $Take -Model $Model -CompositionPath $composition -AlphaPath $folder.FullName -Force -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'is a folder'
        Get-Sha $composition | Should -Be $before
        Join-Path $folder 'keep.txt' | Should -Exist
        Get-Leftovers $out | Should -BeNullOrEmpty
    }
}

Describe 'No result is lost when names collide' {
    It 'converts one of take.mp4 and take.mov and names the other in an error, on every run' {
        $dir = Join-Path $Work 'collide'
        New-Clip (Join-Path $dir 'take.mp4') | Out-Null
        New-Clip (Join-Path $dir 'take.mov') -Offset 40 | Out-Null
        $results = @(Get-ChildItem $dir -File | Convert-RvmVideo -Model $Model -ErrorVariable err -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $err.Count | Should -Be 1
        $converted = $results[0].Input
        $refused = $err[0].TargetObject
        $refused | Should -Not -Be $converted
        $err[0].Exception.Message | Should -BeLike "*also the output of '$converted'*"
        $made = Get-Sha (Join-Path $dir 'take.composition.mp4')
        foreach ($run in 1..2) {
            @(Get-ChildItem $dir -File -Filter 'take.m*' | Convert-RvmVideo -Model $Model -SkipExisting -ErrorVariable err -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
            $err.Count | Should -Be 1 -Because 'the input that was not converted must not pass for done'
            $err[0].TargetObject | Should -Be $refused
            $err[0].Exception.Message | Should -Match 'another input|also the output of'
        }
        Get-Sha (Join-Path $dir 'take.composition.mp4') | Should -Be $made
    }

    It 'does not let sub2/a.mp4 overwrite sub1/a.mp4''s result under -Destination, even with -Force' {
        $a1 = New-Clip (Join-Path $Work 'subs/sub1/a.mp4')
        $a2 = New-Clip (Join-Path $Work 'subs/sub2/a.mp4') -Offset 40
        $dest = Join-Path $Work 'subs-out'
        $results = @(Convert-RvmVideo -LiteralPath $a1, $a2 -Model $Model -Destination $dest -Force -ErrorVariable err -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $results[0].Input | Should -Be $a1
        $err[0].Exception.Message | Should -Match 'also the output of'
        # A later run with -Force does not take the name either: the result belongs to sub1/a.mp4.
        Convert-RvmVideo -LiteralPath $a2 -Model $Model -Destination $dest -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'another input'
        (Convert-RvmVideo -LiteralPath $a1 -Model $Model -Destination $dest -Force).FrameCount | Should -Be 4
    }

    It 'lets only one of several concurrent runs write one name; the others get an error' {
        $inputs = foreach ($i in 1..3) { New-Clip (Join-Path $Work "race/in$i/same.mp4") -Frames 40 -Offset (20 * $i) }
        $dest = Join-Path $Work 'race-out'
        $outcomes = $inputs | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:ModulePath
            try {
                $r = Convert-RvmVideo -LiteralPath $_ -Model $using:Model -Destination $using:dest -Force -ErrorAction Stop
                "ok $($r.Input)"
            }
            catch { "error $($_.CategoryInfo.Category): $($_.Exception.Message)" }
        }
        @($outcomes | Where-Object { $_ -like 'ok *' }).Count | Should -Be 1
        @($outcomes | Where-Object { $_ -like 'error *' }).Count | Should -Be 2
        $winner = ($outcomes | Where-Object { $_ -like 'ok *' }) -replace '^ok ', ''
        $tag = & ffprobe -v error -show_entries format_tags=comment -of default=nw=1:nk=1 (Join-Path $dest 'same.composition.mp4')
        $tag | Should -BeLike "*source=..%2Frace%2F$(Split-Path (Split-Path $winner) -Leaf)%2Fsame.mp4"
        Get-Leftovers $dest | Should -BeNullOrEmpty
    }
}

Describe 'Reruns convert each real input exactly once' {
    It 'never converts its own outputs: Get-ChildItem *.mp4 | Convert-RvmVideo -SkipExisting, three times' {
        $dir = Join-Path $Work 'rerun'
        New-Clip (Join-Path $dir 'a.mp4') | Out-Null
        New-Clip (Join-Path $dir 'b.mp4') -Offset 40 | Out-Null
        $counts = foreach ($run in 1..3) {
            $r = @(Get-ChildItem (Join-Path $dir '*.mp4') | Convert-RvmVideo -Model $Model -Output Composition, Alpha -SkipExisting -Verbose 4>&1)
            @($r | Where-Object { $_ -is [Rvm.Matting.RvmConversionResult] }).Count
            @(Get-ChildItem $dir -File).Count
            if ($run -eq 2) { @($r | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'is an output of Rvm' }).Count | Should -Be 4 }
        }
        $counts | Should -Be @(2, 6, 0, 6, 0, 6)
    }

    It 'skips outputs inside the tree with -Recurse and a destination in it' {
        $tree = Join-Path $Work 'tree'
        New-Clip (Join-Path $tree 'x/one.mp4') | Out-Null
        $dest = Join-Path $tree 'out'
        foreach ($run in 1..2) { Get-ChildItem $tree -Recurse -Filter *.mp4 | Convert-RvmVideo -Model $Model -Destination $dest -SkipExisting | Out-Null }
        @(Get-ChildItem $tree -Recurse -File).Name | Sort-Object | Should -Be @('one.composition.mp4', 'one.mp4')
    }

    It 'converts an output when asked with -IncludeRvmOutput' {
        $dir = Join-Path $Work 'include'
        $clip = New-Clip (Join-Path $dir 'c.mp4')
        $made = (Convert-RvmVideo -LiteralPath $clip -Model $Model -Output Alpha).AlphaPath
        Convert-RvmVideo -LiteralPath $made -Model $Model | Should -BeNullOrEmpty
        (Convert-RvmVideo -LiteralPath $made -Model $Model -IncludeRvmOutput).CompositionPath | Should -BeLike '*c.alpha.composition.mp4'
    }

    It 'keeps the watch-folder job from growing generations when the destination is the input folder' {
        $in = Join-Path $Work 'watch-in'
        New-Clip (Join-Path $in 'w1.mp4') | Out-Null
        New-Clip (Join-Path $in 'w2.mp4') -Offset 40 | Out-Null
        $script = Join-Path $RepoRoot 'examples/Convert-NewVideos.ps1'
        $counts = foreach ($run in 1..3) {
            Invoke-Pwsh @('-File', $script, '-InputFolder', $in, '-Destination', $in, '-LogPath', (Join-Path $Work 'watch.log'), '-Module', $ModulePath) | Out-Null
            $LASTEXITCODE
            @(Get-ChildItem $in -File -Filter *.mp4).Count
        }
        $counts | Should -Be @(0, 6, 0, 6, 0, 6)
    }
}

Describe 'Long names' {
    It 'converts an input whose output name nearly fills the 255 bytes a name may have' {
        $name = ('n' * 235) + '.mp4'
        $clip = New-Clip (Join-Path $Work "long-names/$name")
        (Convert-RvmVideo -LiteralPath $clip -Model $Model).CompositionPath | Should -Exist
    }

    It 'refuses an output name over 255 bytes before any work, and makes nothing' {
        $name = ('m' * 245) + '.mp4'
        $clip = New-Clip (Join-Path $Work "too-long/$name")
        Convert-RvmVideo -LiteralPath $clip -Model $Model -Destination (Join-Path $Work 'too-long/out') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'file systems allow 255'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Join-Path $Work 'too-long/out' | Should -Not -Exist
    }
}

# These runs take the direct path (-CheckpointFrames 0): the long clip would otherwise be converted in chunks, whose
# work folder is kept for resume on purpose (tests/Resume.Tests.ps1).
Describe 'Stopped runs leave nothing behind' {
    It 'cleans up on SIGTERM like on Ctrl+C: no temporaries, no final names, no ffmpeg of its own' -Skip:($IsWindows) {
        $out = Join-Path $Work 'sigterm'
        $child = Start-Conversion "Convert-RvmVideo -LiteralPath '$Long' -Destination '$out' -Output Composition, Alpha -Device Cpu -CheckpointFrames 0"
        Wait-Temporaries $out
        # This run's own ffmpeg processes (TestHelpers walks the parents in /proc), never other work on the machine.
        $descendants = @(Get-OwnProcess ffmpeg -Root $child.Id).Id
        $descendants.Count | Should -BeGreaterOrEqual 2
        & kill -TERM $child.Id
        $child.WaitForExit(20000) | Should -BeTrue
        $child.ExitCode | Should -Be 143
        @($descendants | Where-Object { Test-Alive $_ }) | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $out -Force) | Should -BeNullOrEmpty
    }

    It 'after SIGKILL, the next run removes what the dead run left, and nothing stands at a final name' -Skip:($IsWindows) {
        $out = Join-Path $Work 'sigkill'
        $child = Start-Conversion "Convert-RvmVideo -LiteralPath '$Long' -Destination '$out' -Output Composition, Alpha -Device Cpu -CheckpointFrames 0"
        Wait-Temporaries $out
        $descendants = @(Get-OwnProcess ffmpeg -Root $child.Id).Id
        & kill -KILL $child.Id
        $child.WaitForExit(10000) | Should -BeTrue
        # The orphaned ffmpegs see their pipes close and end by themselves.
        $deadline = (Get-Date).AddSeconds(15)
        while ((Get-Date) -lt $deadline -and @($descendants | Where-Object { Test-Alive $_ }).Count) { Start-Sleep -Milliseconds 200 }
        @($descendants | Where-Object { Test-Alive $_ }) | Should -BeNullOrEmpty
        Join-Path $out 'long.composition.mp4' | Should -Not -Exist
        Join-Path $out 'long.alpha.mp4' | Should -Not -Exist
        @(Get-Leftovers $out).Count | Should -BeGreaterThan 0 -Because 'a killed run cannot clean up after itself'

        $tiny = New-Clip (Join-Path $Work 'fixtures/after-kill.mp4')
        (Convert-RvmVideo -LiteralPath $tiny -Model $Model -Destination $out).FrameCount | Should -Be 4
        Get-Leftovers $out | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $out -Force).Name | Should -Be @('after-kill.composition.mp4')
    }

    It 'never touches a live run''s temporaries, and a second run of the same name gets an error, not an overwrite' -Skip:($IsWindows) {
        $out = Join-Path $Work 'live'
        $child = Start-Conversion "Convert-RvmVideo -LiteralPath '$Long' -Destination '$out' -Device Cpu -DownsampleRatio 0.5 -CheckpointFrames 0 | Out-Null; exit `$(if (`$?) { 0 } else { 1 })"
        Wait-Temporaries $out -Count 1
        # Another run sweeps the same folder for dead runs' leftovers while this one is alive...
        $tiny = New-Clip (Join-Path $Work 'fixtures/beside.mp4')
        (Convert-RvmVideo -LiteralPath $tiny -Model $Model -Destination $out).FrameCount | Should -Be 4
        # ...and a different input with the same name wants the same output.
        $twin = New-Clip (Join-Path $Work 'twin/long.mp4')
        Convert-RvmVideo -LiteralPath $twin -Model $Model -Destination $out -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $child.WaitForExit(300000) | Should -BeTrue
        $child.ExitCode | Should -Be 0 -Because $child.StandardError.ReadToEnd()
        Join-Path $out 'long.composition.mp4' | Should -Exist
        Get-Leftovers $out | Should -BeNullOrEmpty
    }
}

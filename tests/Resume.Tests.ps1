# Conversions in chunks (issue 12): a run killed at any point resumes from its last checkpoint with identical mattes,
# a work folder of another plan or a damaged one is never reused, the timing survives the joins, parallel segments
# stay close to a sequential run, and a full disk leaves a resumable work folder. Real model, small clips (160x120).
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-resume-$([guid]::NewGuid().ToString('N'))"
    $script:Fx = Join-Path $Work 'fixtures'
    New-Item -ItemType Directory $Fx | Out-Null
    $script:Source = Get-SourceVideo

    function New-Fixture([string] $Name, [string[]] $Arguments) {
        $path = Join-Path $Fx $Name
        & ffmpeg -v error -y @Arguments $path
        if ($LASTEXITCODE -ne 0) { throw "Could not make the fixture $Name" }
        $path
    }
    # 150 distinct frames (the footage played at 30 fps), 160x120, with a tone: 5 chunks of 30 frames, about 5 s to
    # convert on 2 cores.
    $script:Clip = New-Fixture 'clip.mp4' @('-stream_loop', '1', '-i', $Source, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
        '-vf', 'setpts=N/30/TB,scale=160:120', '-r', '30', '-t', '5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest')
    $script:Frames = 150
    $script:Checkpoint = 30
    $script:Outputs = @('Composition', 'Alpha')

    # What every comparison reads: each frame's timestamp and decoded pixels' MD5 (framemd5), the video packets'
    # timestamps in order, and the audio stream's codec, packet count and duration.
    function Get-FrameHashes([string] $Path) {
        $inputArguments = if (Test-Path -LiteralPath $Path -PathType Container) { @('-framerate', '1', '-i', (Join-Path $Path '%04d.png')) } else { @('-i', $Path) }
        @(& ffmpeg -v error @inputArguments -map 0:v:0 -f framemd5 - | Where-Object { $_ -notmatch '^#' } | ForEach-Object {
            $f = $_ -split ',\s*'
            "$($f[2]) $($f[5])"
        })
    }
    function Get-PacketPts([string] $Path) {
        @(& ffprobe -v error -select_streams v:0 -show_entries packet=pts -of csv=p=0 $Path | ForEach-Object { [long]$_ } | Sort-Object)
    }
    function Get-AudioSummary([string] $Path) {
        & ffprobe -v error -select_streams a:0 -count_packets -show_entries stream=codec_name,nb_read_packets,duration -of csv=p=0 $Path
    }
    function Get-Tail([byte[]] $Bytes, [int] $From) {
        $tail = [byte[]]::new($Bytes.Length - $From)
        [Array]::Copy($Bytes, $From, $tail, 0, $tail.Length)
        , $tail
    }
    function Get-WorkFolder([string] $Folder) {
        Get-ChildItem -LiteralPath $Folder -Force -Directory -Filter '.*.rvm-work' -ErrorAction SilentlyContinue
    }
    # Runs Convert-RvmVideo here with -Verbose: the result, and the Verbose lines as text.
    function Invoke-Conversion([hashtable] $Parameters) {
        $all = @(Convert-RvmVideo -Model $Model @Parameters -Verbose 4>&1)
        [pscustomobject]@{
            Result  = $all | Where-Object { $_ -is [Rvm.Matting.RvmConversionResult] }
            Verbose = @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        }
    }
    function Test-SameOutputs([string] $Folder, [string] $ReferenceFolder, [string[]] $Names) {
        foreach ($name in $Names) {
            $expected = Get-FrameHashes (Join-Path $ReferenceFolder $name)
            $actual = Get-FrameHashes (Join-Path $Folder $name)
            $actual.Count | Should -Be $expected.Count -Because $name
            $actual | Should -Be $expected -Because "$name must hold the same frames at the same times"
        }
    }

    # The process's own children (its ffmpegs), from /proc: fast enough to read between two polls of a join.
    function Get-ChildIds([int] $ProcessId) {
        $tasks = try { [IO.Directory]::GetDirectories("/proc/$ProcessId/task") } catch { @() }
        @(foreach ($task in $tasks) {
            try { ([IO.File]::ReadAllText("$task/children") -split ' ') | Where-Object { $_ } | ForEach-Object { [int]$_ } } catch { }
        })
    }
    # Polls (every 10 ms) the conversion's work folder for a file matching $Pattern, checking on each poll that
    # nothing stands at a final name, then SIGKILLs the conversion and waits for its own ffmpegs to end. Returns
    # how often a final name was seen.
    function Stop-ConversionAt([Diagnostics.Process] $Child, [string] $Folder, [string] $Pattern, [string[]] $Finals) {
        $seen = 0
        $work = $null
        $deadline = (Get-Date).AddSeconds(240)
        while (-not $Child.HasExited -and (Get-Date) -lt $deadline) {
            $seen += @($Finals | Where-Object { Test-Path -LiteralPath $_ }).Count
            if (-not $work) { $work = (Get-WorkFolder $Folder).FullName }
            if ($work -and [IO.Directory]::GetFileSystemEntries($work, $Pattern).Count) { break }
            Start-Sleep -Milliseconds 10
        }
        if ($Child.HasExited) { throw "The conversion ended (exit $($Child.ExitCode)) before '$Pattern' appeared: $($Child.StandardError.ReadToEnd())" }
        $ffmpegs = @(Get-ChildIds $Child.Id)
        & kill -KILL $Child.Id
        $Child.WaitForExit(10000) | Should -BeTrue
        # The orphaned ffmpegs see their pipes close and end by themselves.
        $deadline = (Get-Date).AddSeconds(15)
        while ((Get-Date) -lt $deadline -and @($ffmpegs | Where-Object { Test-Path "/proc/$_" }).Count) { Start-Sleep -Milliseconds 100 }
        @($ffmpegs | Where-Object { Test-Path "/proc/$_" }) | Should -BeNullOrEmpty -Because 'the killed run''s ffmpegs end with it'
        $seen + @($Finals | Where-Object { Test-Path -LiteralPath $_ }).Count
    }

    # The uninterrupted conversion every other run is compared with: one pass, no chunks.
    $script:Reference = Join-Path $Work 'reference'
    $script:Full = Convert-RvmVideo -LiteralPath $Clip -Model $Model -Destination $Reference -Container Mkv -Output $Outputs -CheckpointFrames 0
    $script:Names = @('clip.composition.mkv', 'clip.alpha.mkv')
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A conversion killed with SIGKILL at about 60% resumes where it stopped' -Skip:(-not $IsLinux) {
    BeforeAll {
        $script:Killed = Join-Path $Work 'killed'
        $script:Finals = $Names | ForEach-Object { Join-Path $Killed $_ }
        $child = Start-Conversion "Convert-RvmVideo -LiteralPath '$Clip' -Destination '$Killed' -Container Mkv -Output Composition, Alpha -Device Cpu -CheckpointFrames $Checkpoint"
        # Chunk 3 is opened once chunk 2 is finished and its checkpoint saved: 90 of 150 frames.
        $script:SeenFinal = Stop-ConversionAt $child $Killed 'p000-c000003.*' $Finals
        $script:WorkPath = (Get-WorkFolder $Killed).FullName
        # The dead run's work folder, kept for the tests of work folders that must not be reused.
        $script:SavedWork = Join-Path $Work 'saved-work'
        Copy-Item -LiteralPath $WorkPath -Destination $SavedWork -Recurse
        $script:Rerun = Invoke-Conversion @{ LiteralPath = $Clip; Destination = $Killed; Container = 'Mkv'; Output = $Outputs; CheckpointFrames = $Checkpoint }
    }

    It 'never had anything at a final name while it ran, nor after the kill' {
        $SeenFinal | Should -Be 0
        $WorkPath | Should -Not -BeNullOrEmpty
    }

    It 'says it resumes, at a checkpoint at or after 60%' {
        $Rerun.Result.ResumedAtFrame | Should -BeGreaterOrEqual 90
        $Rerun.Result.ResumedAtFrame | Should -BeLessThan $Frames
        $Rerun.Result.ResumedAtFrame % $Checkpoint | Should -Be 0
        $Rerun.Result.FrameCount | Should -Be $Frames
        @($Rerun.Verbose -like "'$Clip' resumes at frame $($Rerun.Result.ResumedAtFrame), from the checkpoint in '$WorkPath'.").Count | Should -Be 1
    }

    It 'writes the mattes and composition of an uninterrupted run, frame for frame and timestamp for timestamp' {
        Test-SameOutputs $Killed $Reference $Names
        foreach ($name in $Names) { Get-PacketPts (Join-Path $Killed $name) | Should -Be (Get-PacketPts (Join-Path $Reference $name)) }
    }

    It 'keeps the audio whole: the same codec, packets and duration' {
        $expected = Get-AudioSummary (Join-Path $Reference 'clip.composition.mkv')
        $expected | Should -Not -BeNullOrEmpty
        Get-AudioSummary (Join-Path $Killed 'clip.composition.mkv') | Should -Be $expected
    }

    It 'removes the work folder and every temporary once done' {
        @(Get-ChildItem -LiteralPath $Killed -Force).Name | Sort-Object | Should -Be ($Names | Sort-Object)
    }
}

Describe 'A conversion killed during the join' -Skip:(-not $IsLinux) {
    It 'leaves nothing at a final name, and the rerun only joins, into identical outputs' {
        $out = Join-Path $Work 'join-killed'
        $finals = $Names | ForEach-Object { Join-Path $out $_ }
        $child = Start-Conversion "Convert-RvmVideo -LiteralPath '$Clip' -Destination '$out' -Container Mkv -Output Composition, Alpha -Device Cpu -CheckpointFrames $Checkpoint"
        Stop-ConversionAt $child $out 'join.*.ffconcat' $finals | Should -Be 0
        $rerun = Invoke-Conversion @{ LiteralPath = $Clip; Destination = $out; Container = 'Mkv'; Output = $Outputs; CheckpointFrames = $Checkpoint }
        $rerun.Result.ResumedAtFrame | Should -Be $Frames
        $rerun.Result.FrameCount | Should -Be $Frames
        Test-SameOutputs $out $Reference $Names
        Get-AudioSummary (Join-Path $out 'clip.composition.mkv') | Should -Be (Get-AudioSummary (Join-Path $Reference 'clip.composition.mkv'))
        @(Get-ChildItem -LiteralPath $out -Force).Name | Sort-Object | Should -Be ($Names | Sort-Object)
    }
}

Describe 'A PNG sequence resumes into its own folder' -Skip:(-not $IsLinux) {
    It 'goes on from the checkpoint and numbers the pictures as one run does' {
        $reference = Join-Path $Work 'png-reference'
        Convert-RvmVideo -LiteralPath $Clip -Model $Model -Destination $reference -OutputType PngSequence -Output Alpha -CheckpointFrames 0 | Out-Null
        $out = Join-Path $Work 'png-killed'
        $final = Join-Path $out 'clip.alpha'
        $child = Start-Conversion "Convert-RvmVideo -LiteralPath '$Clip' -Destination '$out' -OutputType PngSequence -Output Alpha -Device Cpu -CheckpointFrames $Checkpoint"
        Stop-ConversionAt $child $out 'p000-c000002.*' @($final) | Should -Be 0
        $rerun = Invoke-Conversion @{ LiteralPath = $Clip; Destination = $out; OutputType = 'PngSequence'; Output = 'Alpha'; CheckpointFrames = $Checkpoint }
        $rerun.Result.ResumedAtFrame | Should -BeGreaterOrEqual 60
        $rerun.Result.ResumedAtFrame | Should -BeLessThan $Frames
        @(Get-ChildItem -LiteralPath $out -Force).Name | Should -Be @('clip.alpha')
        @(Get-ChildItem -LiteralPath $final -Force).Name | Should -Be (@('.rvm-output') + (0..($Frames - 1) | ForEach-Object { '{0:0000}.png' -f $_ }))
        Get-FrameHashes $final | Should -Be (Get-FrameHashes (Join-Path $reference 'clip.alpha'))
    }
}

Describe 'A work folder is reused only by the same conversion, whole' -Skip:(-not $IsLinux) {
    BeforeEach {
        # The killed run's work folder back in place, and no outputs: the state the SIGKILL test left before its rerun.
        Remove-Item -LiteralPath $Killed -Recurse -Force
        New-Item -ItemType Directory $Killed | Out-Null
        Copy-Item -LiteralPath $SavedWork -Destination $WorkPath -Recurse
    }

    It 'resumes from it unchanged (the control for the cases below)' {
        $run = Invoke-Conversion @{ LiteralPath = $Clip; Destination = $Killed; Container = 'Mkv'; Output = $Outputs; CheckpointFrames = $Checkpoint }
        $run.Result.ResumedAtFrame | Should -BeGreaterThan 0
        @($run.Verbose -like 'Discarding *') | Should -BeNullOrEmpty
    }

    It 'discards it, with a Verbose line, when <Label>, and converts from the start into identical outputs' -ForEach @(
        # FFV1 has no quality setting: -Quality changes the plan but not a single output byte.
        @{ Label = 'a setting changed (-Quality)'; Extra = @{ Quality = 10 }; Damage = $null; Why = 'it was made for another plan*' }
        @{ Label = 'its checkpoint is damaged (bytes flipped)'; Extra = @{}; Damage = 'flip'; Why = 'The checkpoint * is damaged (its checksum does not match)' }
        @{ Label = 'its checkpoint is cut short'; Extra = @{}; Damage = 'truncate'; Why = 'The checkpoint * is damaged (its checksum does not match)' }
        @{ Label = 'a chunk it lists is missing'; Extra = @{}; Damage = 'missing'; Why = "the chunk 'p000-c000001.alpha.mkv' is missing" }
        @{ Label = 'a chunk it lists has another size'; Extra = @{}; Damage = 'grown'; Why = "the chunk 'p000-c000001.alpha.mkv' is * bytes, not *" }
        @{ Label = 'it is asked to start over (-Force)'; Extra = @{ Force = $true }; Damage = $null; Why = '-Force starts over' }
    ) {
        $checkpointFile = Join-Path $WorkPath 'part-000.checkpoint'
        $chunk = Join-Path $WorkPath 'p000-c000001.alpha.mkv'
        switch ($Damage) {
            'flip' {
                $bytes = [IO.File]::ReadAllBytes($checkpointFile)
                foreach ($at in 20, [int]($bytes.Length / 2)) { $bytes[$at] = $bytes[$at] -bxor 0xFF }
                [IO.File]::WriteAllBytes($checkpointFile, $bytes)
            }
            'truncate' {
                $bytes = [IO.File]::ReadAllBytes($checkpointFile)
                [IO.File]::WriteAllBytes($checkpointFile, [byte[]]$bytes[0..[int]($bytes.Length / 2)])
            }
            'missing' { Remove-Item -LiteralPath $chunk }
            'grown' { [IO.File]::AppendAllText($chunk, 'x') }
        }
        $parameters = @{ LiteralPath = $Clip; Destination = $Killed; Container = 'Mkv'; Output = $Outputs; CheckpointFrames = $Checkpoint } + $Extra
        $run = Invoke-Conversion $parameters
        # Another plan's folder goes whole; a damaged part starts over alone.
        $what = if ($Damage) { "part 0 of the work folder" } else { "the work folder" }
        $discarded = @($run.Verbose -like "Discarding $what '$WorkPath': *")
        $discarded.Count | Should -Be 1
        $discarded[0] | Should -BeLike "*: $Why."
        $run.Result.ResumedAtFrame | Should -Be 0
        $run.Result.FrameCount | Should -Be $Frames
        if ($Extra.Force) { $script:StartedOver = $run.Result }
        Test-SameOutputs $Killed $Reference $Names
        @(Get-ChildItem -LiteralPath $Killed -Force).Name | Sort-Object | Should -Be ($Names | Sort-Object)
    }

    It 'resumes in clearly less time than the same conversion takes from the start' {
        # The SIGKILL test's rerun against the -Force run above: the same chunks, checkpoints and join, all frames.
        $StartedOver | Should -Not -BeNullOrEmpty
        Write-Host ("Resumed at frame {0}: {1:0.0} s; from the start: {2:0.0} s; one pass without chunks: {3:0.0} s" -f
            $Rerun.Result.ResumedAtFrame, $Rerun.Result.Elapsed.TotalSeconds, $StartedOver.Elapsed.TotalSeconds, $Full.Elapsed.TotalSeconds)
        $Rerun.Result.Elapsed.TotalSeconds | Should -BeLessThan (0.8 * $StartedOver.Elapsed.TotalSeconds)
    }

    It '-SkipExisting resumes the unfinished input and skips the finished one' {
        $done = New-Fixture 'done.mp4' @('-i', $Clip, '-frames:v', '4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an')
        $common = @{ Destination = $Killed; Container = 'Mkv'; Output = $Outputs; CheckpointFrames = $Checkpoint }
        Convert-RvmVideo -LiteralPath $done -Model $Model @common | Out-Null
        $doneHash = (Get-FileHash (Join-Path $Killed 'done.alpha.mkv')).Hash
        $run = Invoke-Conversion (@{ LiteralPath = @($done, $Clip); SkipExisting = $true } + $common)
        @($run.Result).Count | Should -Be 1
        $run.Result.Input | Should -Be $Clip
        $run.Result.ResumedAtFrame | Should -BeGreaterThan 0
        @($run.Verbose -like "Skipping '$done'*").Count | Should -Be 1
        (Get-FileHash (Join-Path $Killed 'done.alpha.mkv')).Hash | Should -Be $doneHash
        Test-SameOutputs $Killed $Reference $Names
    }
}

Describe 'The timing promises hold across joins' {
    BeforeAll {
        # 27 to 30 frames each, so -CheckpointFrames 10 joins 3 chunks.
        $withAudio = New-Fixture 'audio-160.mp4' @('-i', $Source, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '3',
            '-vf', 'scale=160:120', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest')
        $script:Timing = @{
            Vfr     = New-Fixture 'vfr.mkv' @('-i', $Source, '-t', '4', '-vf', "scale=160:120,select='not(eq(mod(n\,3)\,1))'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-pix_fmt', 'yuv420p')
            Ntsc    = New-Fixture 'ntsc.mp4' @('-i', $Source, '-t', '1', '-vf', 'scale=160:120', '-r', '30000/1001', '-c:v', 'libx264', '-pix_fmt', 'yuv420p')
            Rotated = New-Fixture 'rotated.mp4' @('-i', $withAudio, '-c', 'copy', '-metadata:s:v:0', 'rotate=90')
        }
    }

    It 'keeps <Name>''s timestamps, frames and audio with -CheckpointFrames 10' -ForEach @(
        @{ Name = 'Vfr' }
        @{ Name = 'Ntsc' }
        @{ Name = 'Rotated' }
    ) {
        $in = $Timing[$Name]
        $runs = foreach ($mode in 'direct', 'chunked') {
            $folder = Join-Path $Work "timing-$Name-$mode"
            Convert-RvmVideo -LiteralPath $in -Model $Model -CompositionPath (Join-Path $folder 'c.mp4') -AlphaPath (Join-Path $folder 'a.mkv') `
                -CheckpointFrames $(if ($mode -eq 'direct') { 0 } else { 10 }) -ErrorAction Stop
        }
        $runs[1].FrameCount | Should -Be $runs[0].FrameCount
        $runs[1].FrameCount | Should -BeGreaterThan 20 -Because 'the clip must span 3 chunks'
        "$($runs[1].Width)x$($runs[1].Height)" | Should -Be $(if ($Name -eq 'Rotated') { '120x160' } else { '160x120' })
        "$($runs[1].Width)x$($runs[1].Height)" | Should -Be "$($runs[0].Width)x$($runs[0].Height)"
        foreach ($file in 'c.mp4', 'a.mkv') {
            $direct = Join-Path $Work "timing-$Name-direct/$file"
            $chunked = Join-Path $Work "timing-$Name-chunked/$file"
            Get-PacketPts $chunked | Should -Be (Get-PacketPts $direct) -Because "$file's frames keep their times"
            (Get-Probe $chunked).streams[0].r_frame_rate | Should -Be (Get-Probe $direct).streams[0].r_frame_rate
            Get-AudioSummary $chunked | Should -Be (Get-AudioSummary $direct)
        }
        Get-FrameHashes (Join-Path $Work "timing-$Name-chunked/a.mkv") | Should -Be (Get-FrameHashes (Join-Path $Work "timing-$Name-direct/a.mkv"))
    }
}

Describe 'Parallel segments' {
    BeforeAll {
        $script:SegmentsOut = Join-Path $Work 'segments'
        $script:Parallel = Convert-RvmVideo -LiteralPath $Clip -Model $Model -Destination $SegmentsOut -Container Mkv -Output $Outputs -Segments 2 -PreRoll 30
        $script:Boundary = $Frames / 2
    }

    It 'keeps the frame count, the timestamps and the audio of a sequential run' {
        $Parallel.Segments | Should -Be 2
        $Parallel.FrameCount | Should -Be $Frames
        foreach ($name in $Names) { Get-PacketPts (Join-Path $SegmentsOut $name) | Should -Be (Get-PacketPts (Join-Path $Reference $name)) }
        Get-AudioSummary (Join-Path $SegmentsOut 'clip.composition.mkv') | Should -Be (Get-AudioSummary (Join-Path $Reference 'clip.composition.mkv'))
        @(Get-ChildItem -LiteralPath $SegmentsOut -Force).Name | Sort-Object | Should -Be ($Names | Sort-Object)
    }

    It 'writes the frames before the boundary bit-identical, and those after it close' {
        $expected = Get-FrameHashes (Join-Path $Reference 'clip.alpha.mkv')
        $actual = Get-FrameHashes (Join-Path $SegmentsOut 'clip.alpha.mkv')
        $actual[0..($Boundary - 1)] | Should -Be $expected[0..($Boundary - 1)]
        $plane = 160 * 120
        $reference = Read-RawPixels (Join-Path $Reference 'clip.alpha.mkv') gray
        $segmented = Read-RawPixels (Join-Path $SegmentsOut 'clip.alpha.mkv') gray
        $after = $Boundary * $plane
        $difference = [RvmTests.Pixels]::Compare([RvmTests.Pixels]::FromBytes((Get-Tail $reference $after)), [RvmTests.Pixels]::FromBytes((Get-Tail $segmented $after)), $null, 1)
        Write-Host ("Alpha after the boundary: mean {0:0.00000}, max {1:0.000} (0..1)" -f $difference[0], $difference[1])
        # Measured here: mean 5.5e-4, max 0.46 (a few edge pixels); 8.1e-4 on a 240-frame cut of the clip. The bound
        # leaves 6x room for other machines' rounding, while a wrong state would show in several hundredths.
        $difference[0] | Should -BeLessThan 5e-3
    }
}

Describe 'A full disk while writing a chunk' {
    BeforeAll {
        $script:Disk = Join-Path $Work 'small-disk'
        New-Item -ItemType Directory $Disk | Out-Null
        # An 8 MB tmpfs; where mounting is not allowed (not root, a container without the capability), the test is
        # skipped with the reason the mount gave.
        $script:MountProblem = if (-not $IsLinux) { 'a tmpfs needs Linux' } else {
            $message = & mount -t tmpfs -o size=8M tmpfs $Disk 2>&1
            if ($LASTEXITCODE -ne 0) { "mounting a tmpfs is not allowed here: $message" }
        }
    }
    AfterAll {
        if ($IsLinux -and (& findmnt -n $Disk)) { & umount $Disk }
    }

    It 'is a clear error naming the outputs; the work folder stays, and the conversion resumes once there is room' {
        if ($MountProblem) { Set-ItResult -Skipped -Because $MountProblem; return }
        $finals = $Names | ForEach-Object { Join-Path $Disk $_ }
        $parameters = @{ LiteralPath = $Clip; Destination = $Disk; Container = 'Mkv'; Output = $Outputs; CheckpointFrames = $Checkpoint }
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module $using:ModulePath
            $p = $using:parameters
            Convert-RvmVideo -Model $using:Model @p
        }
        # Once chunk 1 is opened, chunk 0 and its checkpoint are saved: the disk is filled then, so the write that
        # fails is chunk 1's (its encoders' output), whatever the sizes of chunks and checkpoints.
        $deadline = (Get-Date).AddSeconds(120)
        while ($job.State -in 'NotStarted', 'Running' -and (Get-Date) -lt $deadline -and -not ((Get-WorkFolder $Disk) -and (Test-Path (Join-Path (Get-WorkFolder $Disk).FullName 'p000-c000001.*')))) {
            Start-Sleep -Milliseconds 10
        }
        $job.State | Should -Be 'Running'
        # Written, not only sized: tmpfs keeps a file that is only sized as a hole, which takes no room.
        $filler = Join-Path $Disk 'filler'
        & fallocate -l ([IO.DriveInfo]::new($Disk).AvailableFreeSpace) $filler
        $LASTEXITCODE | Should -Be 0
        $job | Wait-Job -Timeout 120 | Out-Null
        $result = $job | Receive-Job -ErrorVariable err -ErrorAction SilentlyContinue
        $job | Remove-Job -Force
        $result | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'WriteError' -Because $err[0].Exception.Message
        $work = Get-WorkFolder $Disk
        $work | Should -Not -BeNullOrEmpty
        $message = $err[0].Exception.Message
        foreach ($final in $finals) { $message | Should -BeLike "*'$final'*" }
        $message | Should -BeLike '*No space left on device*'
        $message | Should -Not -BeLike '*checkpoint.new*' -Because 'the disk filled while a chunk was written'
        $message | Should -BeLike "*kept in '$($work.FullName)'; run the same conversion again*resumes*"
        @($finals | Where-Object { Test-Path -LiteralPath $_ }) | Should -BeNullOrEmpty
        Join-Path $work.FullName 'part-000.checkpoint' | Should -Exist

        Remove-Item -LiteralPath $filler
        $rerun = Invoke-Conversion $parameters
        $rerun.Result.ResumedAtFrame | Should -Be $Checkpoint
        @($rerun.Verbose -like "'$Clip' resumes at frame $Checkpoint, *").Count | Should -Be 1
        $rerun.Result.FrameCount | Should -Be $Frames
        Test-SameOutputs $Disk $Reference $Names
        @(Get-ChildItem -LiteralPath $Disk -Force).Name | Sort-Object | Should -Be ($Names | Sort-Object)
    }
}

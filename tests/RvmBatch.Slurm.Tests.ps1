# Batches on a real Slurm: a throwaway single-node cluster (munged, slurmctld, slurmd) started here with its own
# config, socket and ports, stopped by PID afterwards. Needs root and slurm-wlm + munge (build.ps1 Bootstrap).
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:SkipReason = if (-not $IsLinux -or (& id -u) -ne '0') { 'the Slurm tests start munged, slurmctld and slurmd, which needs root on Linux' }
    elseif (-not (Get-Command slurmctld -ErrorAction SilentlyContinue) -or -not (Get-Command munged -ErrorAction SilentlyContinue)) { 'slurm-wlm and munge are not installed (build.ps1 Bootstrap installs them on Debian as root)' }
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-slurm-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Work | Out-Null
    $script:Source = Get-SourceVideo
    $script:Daemons = @()

    function New-Clip([string] $Path, [int] $Frames, [int] $Offset = 0) {
        New-Item -ItemType Directory -Force (Split-Path $Path) | Out-Null
        & ffmpeg -v error -y -stream_loop 9 -i $Source -vf "select='gte(n\,$Offset)',setpts=N/10/TB,scale=160:120" -r 10 -frames:v $Frames -c:v libx264 -preset ultrafast -pix_fmt yuv420p $Path
        if ($LASTEXITCODE -ne 0) { throw "Could not make the clip $Path" }
        $Path
    }
    function Get-Leftovers([string] $Folder) {
        @(Get-ChildItem -LiteralPath $Folder -Force -Recurse -ErrorAction SilentlyContinue | Where-Object Name -match '\.rvm-(partial|lock|old)$|\.partial$')
    }
    # Every frame of a matte decoded to 8-bit grey: its length and SHA-256.
    function Get-GrayFrames([string] $Path) {
        $file = Join-Path $Work "$([guid]::NewGuid().ToString('N')).gray"
        & ffmpeg -v error -y -i $Path -f rawvideo -pix_fmt gray $file
        if ($LASTEXITCODE -ne 0) { throw "Could not decode $Path" }
        try { '{0} {1}' -f (Get-Item $file).Length, (Get-FileHash -LiteralPath $file -Algorithm SHA256).Hash } finally { Remove-Item $file }
    }
    function Wait-Until([scriptblock] $Condition, [int] $Seconds, [string] $What) {
        $deadline = (Get-Date).AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ((Get-Date) -gt $deadline) { throw "Timed out after $Seconds s waiting for $What" }
            Start-Sleep -Milliseconds 200
        }
    }

    # The cluster: its own munge socket, state and spool folders, and ports, so it touches no other Slurm here.
    function Start-TestCluster {
        $dir = Join-Path $Work 'cluster'
        New-Item -ItemType Directory -Force "$dir/munge", "$dir/state", "$dir/spool" | Out-Null
        if (-not (Test-Path /etc/munge/munge.key)) {
            New-Item -ItemType Directory -Force /etc/munge | Out-Null
            & dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
            & chown munge:munge /etc/munge/munge.key
            & chmod 0400 /etc/munge/munge.key
        }
        & chown munge:munge "$dir/munge"
        # munged daemonises itself and writes its PID, which is what stops it afterwards.
        & runuser -u munge -- munged "--socket=$dir/munge/munge.socket" "--pid-file=$dir/munge/munged.pid" "--log-file=$dir/munge/munged.log" "--seed-file=$dir/munge/munged.seed"
        if ($LASTEXITCODE -ne 0) { throw "munged did not start (exit code $LASTEXITCODE)" }
        Wait-Until { Test-Path "$dir/munge/munged.pid" } 10 'munged'
        $script:Daemons += [int](Get-Content "$dir/munge/munged.pid")

        $host_ = (& hostname -s).Trim()
        $memoryMb = [int]((Get-Content /proc/meminfo | Select-String '^MemTotal:\s+(\d+)').Matches[0].Groups[1].Value / 1024) - 512
        $conf = Join-Path $dir 'slurm.conf'
        @"
ClusterName=rvmtest
SlurmctldHost=$host_
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
KillWait=10
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$host_ CPUs=$([Environment]::ProcessorCount) RealMemory=$memoryMb State=UNKNOWN
PartitionName=debug Nodes=$host_ Default=YES MaxTime=INFINITE State=UP
"@ | Set-Content -LiteralPath $conf
        $env:SLURM_CONF = $conf
        # In the foreground (-D), as this process's children: their PIDs are known without a PID file.
        foreach ($daemon in 'slurmctld', 'slurmd') {
            $info = [Diagnostics.ProcessStartInfo]::new((Get-Command $daemon).Source)
            foreach ($a in '-D', '-f', $conf) { $info.ArgumentList.Add($a) }
            $info.RedirectStandardOutput = $true
            $info.RedirectStandardError = $true
            $script:Daemons += ([Diagnostics.Process]::Start($info)).Id
            if ($daemon -eq 'slurmctld') { Start-Sleep -Milliseconds 500 }
        }
        Wait-Until { (& sinfo -h -o '%t' 2>$null) -match '^idle' } 60 'the node to be idle in sinfo'
    }

    function Stop-TestCluster {
        if ($env:SLURM_CONF) {
            & scancel --me 2>$null
            try { Wait-Until { -not (& squeue -h --me 2>$null) } 30 'the jobs to end' } catch { Write-Warning $_ }
        }
        foreach ($id in $script:Daemons) {
            if (Test-Path "/proc/$id") { & kill -TERM $id }
        }
        foreach ($id in $script:Daemons) {
            $deadline = (Get-Date).AddSeconds(10)
            while ((Test-Path "/proc/$id") -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            if (Test-Path "/proc/$id") { & kill -KILL $id }
        }
        Remove-Item Env:SLURM_CONF -ErrorAction SilentlyContinue
    }

    if (-not $SkipReason) {
        Start-TestCluster
        $script:In = Join-Path $Work 'in'
        $script:Good = 0..3 | ForEach-Object { New-Clip (Join-Path $In "clip$_.mp4") -Frames (4 + 2 * $_) -Offset (7 * $_) }
        # Probes fine (so it is planned and becomes a task) and fails to decode: -ErrorTolerance Strict fails it.
        $script:Broken = Join-Path $In 'broken.mp4'
        New-DamagedClip $Broken (Join-Path $Work 'broken-clean.mp4')
        $script:Out = Join-Path $Work 'out'
    }
}

AfterAll {
    if (-not $SkipReason) { Stop-TestCluster }
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'Batches on Slurm' {
    BeforeEach {
        if ($SkipReason) { Set-ItResult -Skipped -Because $SkipReason }
    }

    It 'runs five clips, one broken, as a job array two at a time: 5/4/1, the failure naming the broken file' {
        $script:Status = Get-ChildItem -LiteralPath $In -Filter *.mp4 | New-RvmBatch -Destination $Out -Output Alpha -Container Mkv -Device Cpu |
            Start-RvmBatch -Engine Slurm -Throttle 2 | Get-RvmBatch -Wait -Timeout 150
        $Status.Total | Should -Be 5
        $Status.Done | Should -Be 4
        $Status.Failed | Should -Be 1
        $Status.Failures[0].Input | Should -Be $Broken
        $Status.Failures[0].Message | Should -Match 'broken\.mp4'
        $Status.Results.Count | Should -Be 4
        $Status.Frames | Should -Be (4 + 6 + 8 + 10)
        $Status.Engine | Should -Be 'Slurm'
        $Status.EngineJobId | Should -Match '^\d+$'
        Test-Path (Join-Path $Out 'broken.alpha.mkv') | Should -BeFalse
        Get-Leftovers $Out | Should -BeNullOrEmpty
        # Each task logged to the job folder.
        @(Get-ChildItem (Join-Path $Status.JobFolder 'slurm') -Filter '*.out').Count | Should -Be 5
    }

    It 'writes mattes identical, frame by frame, to a serial Convert-RvmVideo' {
        $serial = Join-Path $Work 'serial'
        $Good | Convert-RvmVideo -Destination $serial -Output Alpha -Container Mkv -Device Cpu | Out-Null
        foreach ($clip in $Good) {
            $name = [IO.Path]::GetFileNameWithoutExtension($clip) + '.alpha.mkv'
            $batch = Get-GrayFrames (Join-Path $Out $name)
            $batch | Should -Not -Match '^0 '
            $batch | Should -Be (Get-GrayFrames (Join-Path $serial $name)) -Because $name
        }
    }

    It 'leaves nothing at the final names when scancel stops a running task, and resumes from its checkpoint when started again' {
        $long = New-Clip (Join-Path $Work 'long/long.mp4') -Frames 400
        $out = Join-Path $Work 'out-long'
        $batch = New-RvmBatch -LiteralPath $long -Destination $out -Output Alpha -Container Mkv -Device Cpu -CheckpointFrames 60 | Start-RvmBatch -Engine Slurm
        Wait-Until { @(Get-ChildItem -LiteralPath $out -Force -Recurse -Filter 'part-000.checkpoint' -ErrorAction SilentlyContinue).Count -gt 0 } 90 'the task to save its first checkpoint'
        Start-Sleep -Milliseconds 500
        & scancel $batch.EngineJobId
        $stopped = Get-RvmBatch $batch.JobFolder -Wait -Timeout 60 -WarningAction SilentlyContinue
        $stopped.Done + $stopped.Failed | Should -Be 0
        Test-Path (Join-Path $out 'long.alpha.mkv') | Should -BeFalse
        Test-Path (Join-Path $batch.JobFolder 'results/0.json') | Should -BeFalse
        Get-Leftovers $out | Should -BeNullOrEmpty
        # What the stopped task did stays, hidden, to be resumed.
        @(Get-ChildItem -LiteralPath $out -Force -Directory -Filter '*.rvm-work').Count | Should -Be 1

        $done = Start-RvmBatch $batch.JobFolder -Engine Slurm | Get-RvmBatch -Wait -Timeout 120
        $done.Done | Should -Be 1
        $done.Results[0].FrameCount | Should -Be 400
        $done.Results[0].ResumedAtFrame | Should -BeGreaterOrEqual 60
        Test-Path (Join-Path $out 'long.alpha.mkv') | Should -BeTrue
        @(Get-ChildItem -LiteralPath $out -Force -Directory -Filter '*.rvm-work') | Should -BeNullOrEmpty
        $serial = Join-Path $Work 'serial-long'
        Convert-RvmVideo -LiteralPath $long -Destination $serial -Output Alpha -Container Mkv -Device Cpu -CheckpointFrames 0 | Out-Null
        Get-GrayFrames (Join-Path $out 'long.alpha.mkv') | Should -Be (Get-GrayFrames (Join-Path $serial 'long.alpha.mkv')) -Because 'a resumed task goes on from the saved state'
        $script:LongBatch = $done
    }

    It 'converts nothing and rewrites nothing when a finished batch is started once more' {
        $folder = $LongBatch.JobFolder
        # The task has written its result; PowerShell may still be ending (and finishing its log).
        Wait-Until { -not (& squeue -h -j $LongBatch.EngineJobId 2>$null) } 60 'the finished job to leave the queue'
        $files = @(Get-ChildItem -LiteralPath $folder, (Split-Path $LongBatch.Results[0].AlphaPath) -Recurse -File)
        $before = $files | ForEach-Object { '{0} {1} {2}' -f $_.FullName, $_.LastWriteTimeUtc.Ticks, $_.Length }
        $again = Start-RvmBatch $folder -Engine Slurm
        $again.EngineJobId | Should -Be $LongBatch.EngineJobId
        # The logs of the cancelled run and of the one that completed: no third.
        Get-ChildItem (Join-Path $folder slurm) -Filter '*.out' | Should -HaveCount 2
        $after = @(Get-ChildItem -LiteralPath $folder, (Split-Path $LongBatch.Results[0].AlphaPath) -Recurse -File) | ForEach-Object { '{0} {1} {2}' -f $_.FullName, $_.LastWriteTimeUtc.Ticks, $_.Length }
        $after | Should -Be $before
        (Get-RvmBatch $folder).Done | Should -Be 1
    }

    It 'converts a video longer than -SegmentLength as part tasks and a join that waits for them (--dependency=afterok)' {
        $long = New-Clip (Join-Path $Work 'seg/seg.mp4') -Frames 300
        $out = Join-Path $Work 'out-seg'
        $batch = New-RvmBatch -LiteralPath $long -Destination $out -Output Alpha -Container Mkv -Device Cpu -SegmentLength 00:00:12
        $batch.Count | Should -Be 4 -Because 'a 30 s video in parts of at most 12 s is three part tasks and a join'
        $started = $batch | Start-RvmBatch -Engine Slurm
        $state = Get-Content (Join-Path $batch.JobFolder 'engine.json') | ConvertFrom-Json
        @($state.JoinJobIds).Count | Should -Be 1
        $dependency = (& scontrol show job $state.JoinJobIds[0]) -join ' '
        # Asked right after submission, while the parts load their model: the join waits on each of them.
        foreach ($part in 0..2) { $dependency | Should -Match "afterok:$($started.EngineJobId)_$part\b" }
        $done = Get-RvmBatch $batch.JobFolder -Wait -Timeout 240
        $done.Done | Should -Be 4
        $done.Failed | Should -Be 0
        @($done.Results).Count | Should -Be 1 -Because 'the parts are tasks, and the video is one result: its join''s'
        $done.Results[0].FrameCount | Should -Be 300
        $done.Results[0].Segments | Should -Be 3
        $alpha = Join-Path $out 'seg.alpha.mkv'
        $alpha | Should -Exist
        @(Get-ChildItem -LiteralPath $out -Force -Directory -Filter '*.rvm-work') | Should -BeNullOrEmpty
        $serial = Join-Path $Work 'serial-seg'
        Convert-RvmVideo -LiteralPath $long -Destination $serial -Output Alpha -Container Mkv -Device Cpu -CheckpointFrames 0 | Out-Null
        $times = { param($f) (& ffprobe -v error -select_streams v -show_entries packet=pts_time -of csv=p=0 $f) -join ',' }
        & $times $alpha | Should -Be (& $times (Join-Path $serial 'seg.alpha.mkv'))
    }
}

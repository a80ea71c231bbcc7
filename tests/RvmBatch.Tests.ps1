# Batches without an engine: planning, the Kubernetes Job written (no cluster can run here), and what a worker
# refuses. Slurm itself is tested on a real cluster in RvmBatch.Slurm.Tests.ps1.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-batch-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory "$Work/in" | Out-Null
    & ffmpeg -v error -y -stream_loop 9 -i (Get-SourceVideo) -vf 'setpts=N/10/TB,scale=160:120' -r 10 -frames:v 4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$Work/in/good.mp4"
    [IO.File]::WriteAllText("$Work/in/garbage.mp4", 'not a video')
    $script:Model = Import-RvmModel -Device Cpu
}

AfterAll { Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue }

Describe 'New-RvmBatch' {
    It 'reports a bad input while planning, naming it, and makes no task of it' {
        $batch = Get-ChildItem "$Work/in/*.mp4" | New-RvmBatch -Destination "$Work/out" -JobFolder "$Work/job1" -Model $Model -ErrorVariable problems -ErrorAction SilentlyContinue
        $batch.Count | Should -Be 1
        $problems.Count | Should -Be 1
        $problems[0].TargetObject | Should -Be "$Work/in/garbage.mp4"
        $problems[0].Exception.Message | Should -Match 'garbage\.mp4'
        $plan = Get-Content "$Work/job1/plan.json" -Raw | ConvertFrom-Json
        $plan.Entries.Count | Should -Be 1
        $plan.Entries[0].Request.Input | Should -Be "$Work/in/good.mp4"
        $plan.Entries[0].Request.CompositionPath | Should -Be "$Work/out/good.composition.mp4"
        $plan.Model.Sha256 | Should -Be $Model.Sha256
        $plan.ModuleVersion | Should -Be (Get-Module Rvm).Version.ToString()
        Test-Path $plan.ModulePath | Should -BeTrue
        Test-Path $plan.PowerShell[-1] | Should -BeTrue
    }

    It 'refuses a job folder that holds a batch already' {
        { New-RvmBatch "$Work/in/good.mp4" -Destination "$Work/out" -JobFolder "$Work/job1" -Model $Model -ErrorAction Stop } | Should -Throw '*holds a batch already*'
    }
}

Describe 'Start-RvmBatch -Engine Kubernetes' {
    It 'writes an Indexed Job and prints the kubectl apply command' {
        $batch = New-RvmBatch "$Work/in/good.mp4" -Destination "$Work/out" -JobFolder "$Work/job2" -Model $Model |
            Start-RvmBatch -Engine Kubernetes -Throttle 3 -Image 'rvm-worker:test' -InformationVariable said 6>$null
        $batch.Engine | Should -Be 'Kubernetes'
        $yaml = Get-Content "$Work/job2/kubernetes/job.yaml"
        $yaml | Should -Contain '  completionMode: Indexed'
        $yaml | Should -Contain '  completions: 1'
        $yaml | Should -Contain '  parallelism: 3'
        "$said" | Should -BeLike "*kubectl apply -f '$Work/job2/kubernetes/job.yaml'*"
        $status = Get-RvmBatch $batch.JobFolder
        $status.Total | Should -Be 1
        $status.Pending | Should -BeNullOrEmpty -Because 'no engine answers for Kubernetes: unknown'
    }
}

Describe 'Invoke-RvmBatchTask' {
    It 'converts its entry, writes its result, and skips it when run again' {
        New-RvmBatch "$Work/in/good.mp4" -Destination "$Work/out3" -JobFolder "$Work/job3" -Model $Model -Output Alpha | Out-Null
        $env:JOB_COMPLETION_INDEX = '0'
        try {
            $result = Invoke-RvmBatchTask "$Work/job3"
            $result.FrameCount | Should -Be 4
            $written = (Get-Item "$Work/out3/good.alpha.mp4").LastWriteTimeUtc
            Invoke-RvmBatchTask "$Work/job3" | Should -BeNullOrEmpty
            (Get-Item "$Work/out3/good.alpha.mp4").LastWriteTimeUtc | Should -Be $written
        }
        finally { Remove-Item Env:JOB_COMPLETION_INDEX }
        (Get-Content "$Work/job3/results/0.json" -Raw | ConvertFrom-Json).Skipped | Should -BeTrue
        (Get-RvmBatch "$Work/job3").Done | Should -Be 1
        "$Work/out3/good.preview.png" | Should -Not -Exist -Because 'no -Preview, no sheet'
    }

    It 'writes the preview sheet beside the outputs with New-RvmBatch -Preview, which Get-RvmBatch lists' {
        New-RvmBatch "$Work/in/good.mp4" -Destination "$Work/out6" -JobFolder "$Work/job6" -Model $Model -Output Composition, Alpha -Preview -PreviewFrames 2 | Out-Null
        (Get-Content "$Work/job6/plan.json" -Raw | ConvertFrom-Json).PreviewFrames | Should -Be 2
        $env:JOB_COMPLETION_INDEX = '0'
        try { Invoke-RvmBatchTask "$Work/job6" | Out-Null }
        finally { Remove-Item Env:JOB_COMPLETION_INDEX }
        $sheet = "$Work/out6/good.preview.png"
        $sheet | Should -Exist
        # Two rows of input | matte | composition, each a 160x120 tile under its label.
        $size = (Get-Probe $sheet).streams[0]
        $size.height | Should -BeGreaterThan 240
        $status = Get-RvmBatch "$Work/job6"
        $status.Previews | Should -Be @($sheet)
        $status.Results[0].PreviewPath | Should -Be $sheet
    }

    It 'exits 1 with an error naming both versions when the worker has another module version' {
        New-RvmBatch "$Work/in/good.mp4" -Destination "$Work/out4" -JobFolder "$Work/job4" -Model $Model | Out-Null
        $plan = "$Work/job4/plan.json"
        (Get-Content $plan -Raw) -replace '"ModuleVersion": "[^"]+"', '"ModuleVersion": "9.9.9"' | Set-Content $plan
        $out = Invoke-ChildPwsh "Import-Module '$ModulePath'; Invoke-RvmBatchTask -JobFolder '$Work/job4' -Index 0; if (-not `$?) { exit 1 }" 2>&1
        $LASTEXITCODE | Should -Be 1
        "$out" | Should -Match '9\.9\.9'
        Test-Path "$Work/out4" | Should -BeFalse
    }
}

Describe 'A long video as part tasks on an engine without dependencies (Kubernetes)' {
    It 'leaves the join to the last part to finish, which joins once, under the job folder''s lock' {
        $long = "$Work/in-long/long.mp4"
        New-Item -ItemType Directory -Force (Split-Path $long) | Out-Null
        & ffmpeg -v error -y -stream_loop 9 -i (Get-SourceVideo) -vf 'setpts=N/10/TB,scale=160:120' -r 10 -frames:v 60 -c:v libx264 -preset ultrafast -pix_fmt yuv420p $long
        $batch = New-RvmBatch $long -Destination "$Work/out5" -JobFolder "$Work/job5" -Model $Model -Output Alpha -Container Mkv -SegmentLength 00:00:02.5
        $batch.Count | Should -Be 4 -Because 'a 6 s video in parts of at most 2.5 s is three parts and a join'
        $batch | Start-RvmBatch -Engine Kubernetes -Image 'rvm:test' 6>$null | Out-Null
        Get-Content "$Work/job5/kubernetes/job.yaml" -Raw | Should -Match 'Invoke-RvmBatchTask -JobFolder .* -JoinAfterLastPart'

        # The join's pod may start first: it leaves the join to the parts, and writes no result.
        Invoke-RvmBatchTask "$Work/job5" -Index 3 -JoinAfterLastPart | Should -BeNullOrEmpty
        Test-Path "$Work/job5/results/3.json" | Should -BeFalse
        foreach ($part in 0, 2) {
            (Invoke-RvmBatchTask "$Work/job5" -Index $part -JoinAfterLastPart).AlphaPath | Should -BeNullOrEmpty
            "$Work/out5/long.alpha.mkv" | Should -Not -Exist
        }
        # The last part joins.
        Invoke-RvmBatchTask "$Work/job5" -Index 1 -JoinAfterLastPart | Out-Null
        "$Work/out5/long.alpha.mkv" | Should -Exist
        $status = Get-RvmBatch "$Work/job5"
        $status.Done | Should -Be 4
        $status.Results.Count | Should -Be 1
        $status.Results[0].FrameCount | Should -Be 60
        $joined = (Get-Item "$Work/out5/long.alpha.mkv").LastWriteTimeUtc
        # The join's own pod, started again, finds it done.
        Invoke-RvmBatchTask "$Work/job5" -Index 3 -JoinAfterLastPart | Out-Null
        (Get-Item "$Work/out5/long.alpha.mkv").LastWriteTimeUtc | Should -Be $joined
        (& ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$Work/out5/long.alpha.mkv") | Should -Be 60
    }
}

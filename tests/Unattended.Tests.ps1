# The examples/ watch-folder script as a scheduler runs it, and one model shared by parallel conversions.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-unattended-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Work | Out-Null
    $source = Get-SourceVideo
    # Six frames of a different part of the picture for each -Part, from the start of the footage (the bundled
    # sample is only a few seconds long).
    function New-Clip([string] $Path, [int] $Part) {
        $x = 0.05 * $Part
        & ffmpeg -v error -y -i $source -frames:v 6 -vf "crop=iw*0.8:ih*0.8:iw*${x}:ih*${x},scale=160:120" -c:v libx264 -pix_fmt yuv420p $Path
        if ($LASTEXITCODE -ne 0) { throw "Could not make $Path" }
        $Path
    }
}

AfterAll {
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'examples/Convert-NewVideos.ps1 run by a scheduler' {
    BeforeAll {
        $script:Incoming = Join-Path $Work 'incoming'
        $script:Done = Join-Path $Work 'done'
        $script:Log = Join-Path $Work 'logs/rvm.log'
        New-Item -ItemType Directory $Incoming | Out-Null
        $script:Clips = @(
            New-Clip (Join-Path $Incoming 'first take.mp4') 0
            New-Clip (Join-Path $Incoming 'zweite Aufnahme – ü.mp4') 1
        )
        Set-Content -LiteralPath (Join-Path $Incoming 'notes.txt') -Value 'not a video'
        # The environment cron gives: a PATH and a HOME, nothing else.
        $script:CronEnvironment = @{ PATH = $env:PATH; HOME = $env:HOME }
        if ($env:RVM_HOME) { $CronEnvironment.RVM_HOME = $env:RVM_HOME }
        $script:Script = Join-Path $RepoRoot 'examples/Convert-NewVideos.ps1'
        function Invoke-Watch([string[]] $Extra = @()) {
            Invoke-Pwsh (@('-File', $Script, '-InputFolder', $Incoming, '-Destination', $Done, '-LogPath', $Log, '-Module', $ModulePath) + $Extra) $CronEnvironment
        }
        # The log lines a run adds.
        function Invoke-WatchLines([string[]] $Extra = @()) {
            $before = @(Get-Content -LiteralPath $Log -Encoding utf8).Count
            $script:WatchOutput = Invoke-Watch $Extra
            @(Get-Content -LiteralPath $Log -Encoding utf8 | Select-Object -Skip $before)
        }
    }

    It 'converts every new video, logs each one and exits 0' {
        $output = Invoke-Watch
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        foreach ($clip in $Clips) {
            $name = [IO.Path]::GetFileNameWithoutExtension($clip)
            Join-Path $Done "$name.composition.mp4" | Should -Exist
            Join-Path $Done "$name.alpha.mp4" | Should -Exist
        }
        $lines = @(Get-Content -LiteralPath $Log -Encoding utf8)
        @($lines -match ' converted ').Count | Should -Be 2
        ($lines -match ' converted ') -join "`n" | Should -BeLike '*zweite Aufnahme – ü.mp4 (6 frames*'
        $lines[-1] | Should -BeLike '*summary*2 converted, 0 failed, 0 already done'
        Get-ChildItem $Done -Filter '*.tmp*' | Should -BeNullOrEmpty
    }

    It 'converts nothing on the second run and leaves the outputs untouched' {
        $before = Get-ChildItem $Done -Filter '*.mp4' | ForEach-Object { "$($_.Name) $($_.LastWriteTimeUtc.Ticks)" }
        $output = Invoke-Watch
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        Get-ChildItem $Done -Filter '*.mp4' | ForEach-Object { "$($_.Name) $($_.LastWriteTimeUtc.Ticks)" } | Should -Be $before
        (Get-Content -LiteralPath $Log -Encoding utf8)[-1] | Should -BeLike '*summary*0 converted, 0 failed, 2 already done'
    }

    It 'logs a broken input by name, exits 1, and still converts the next new video' {
        Set-Content -LiteralPath (Join-Path $Incoming 'broken.mp4') -Value 'this is not a video'
        $late = New-Clip (Join-Path $Incoming 'late.mp4') 2
        $output = Invoke-Watch
        $LASTEXITCODE | Should -Be 1 -Because ($output -join "`n")
        $lines = @(Get-Content -LiteralPath $Log -Encoding utf8)
        ($lines -match ' failed ') -join "`n" | Should -BeLike '*broken.mp4*'
        Join-Path $Done 'late.composition.mp4' | Should -Exist
        Join-Path $Done 'broken.composition.mp4' | Should -Not -Exist
        $lines[-1] | Should -BeLike '*summary*1 converted, 1 failed, 2 already done'
    }

    It 'skips an input that failed before while it is unchanged, and tries it again once it changes' {
        $broken = Join-Path $Incoming 'broken.mp4'
        $lines = Invoke-WatchLines
        $LASTEXITCODE | Should -Be 0 -Because ($WatchOutput -join "`n")
        @($lines -match '^\S+ failed ').Count | Should -Be 0
        ($lines -match '^\S+ skipped ') | Should -BeLike "*skipped   $broken`: failed before, unchanged: *$broken*"
        $lines[-1] | Should -BeLike '*summary*0 converted, 0 failed, 3 already done, 1 failed before'
        (Get-Content -Raw -LiteralPath (Join-Path $Done '.rvm-failed.json') | ConvertFrom-Json).Path | Should -Be $broken

        Add-Content -LiteralPath $broken -Value 'still not a video'
        $lines = Invoke-WatchLines
        $LASTEXITCODE | Should -Be 1 -Because ($WatchOutput -join "`n")
        ($lines -match '^\S+ failed ') | Should -BeLike "*failed    $broken`: *"
        $lines[-1] | Should -BeLike '*summary*0 converted, 1 failed, 3 already done'
    }

    It 'fails a damaged video by default, remembers it, and converts it with -ErrorTolerance Conceal, logging the damage' {
        $damaged = Join-Path $Incoming 'damaged.mp4'
        New-DamagedClip $damaged (Join-Path $Work 'damaged-source.mp4')
        $lines = Invoke-WatchLines
        $LASTEXITCODE | Should -Be 1 -Because ($WatchOutput -join "`n")
        ($lines -match '^\S+ failed ') -join "`n" | Should -BeLike "*failed    $damaged`: *"
        $lines = Invoke-WatchLines
        $LASTEXITCODE | Should -Be 0 -Because ($WatchOutput -join "`n")
        @($lines -match '^\S+ skipped ').Count | Should -Be 2

        # Another -ErrorTolerance is another way of reading it: tried again, and converted.
        $lines = Invoke-WatchLines @('-ErrorTolerance', 'Conceal')
        ($lines -match '^\S+ converted ') | Should -Match ([regex]::Escape($damaged) + ' \(\d+ frames, \d+ damaged, ')
        ($lines -match '^\S+ warning ') -join "`n" | Should -Match 'frame \d+ \(\d+\.\d{3} s\)'
        Join-Path $Done 'damaged.composition.mp4' | Should -Exist
        $lines[-1] | Should -BeLike '*summary*1 converted, 1 failed, 3 already done'
        $LASTEXITCODE | Should -Be 1 -Because 'broken.mp4 is tried again under the other tolerance, and fails'
    }
}

Describe 'One RvmModel shared by parallel conversions' {
    BeforeAll {
        $script:Inputs = 0, 1, 2, 3 | ForEach-Object { New-Clip (Join-Path $Work "parallel $_.mp4") $_ }
        $script:Shared = Import-RvmModel -Device Cpu
        # At ratio 0.5, so that the shared coefficient session and its per-video buffers are what runs in parallel
        # (the path of every HD video). The matte losslessly (FFV1), decoded, compared byte for byte.
        function Read-Matte([string] $Path) {
            $tmp = "$Path.gray"
            & ffmpeg -v error -y -i $Path -f rawvideo -pix_fmt gray $tmp
            $hash = (Get-FileHash -LiteralPath $tmp -Algorithm SHA256).Hash
            Remove-Item -LiteralPath $tmp
            $hash
        }
        $script:Serial = foreach ($clip in $Inputs) {
            $out = "$clip.serial.alpha.mkv"
            Convert-RvmVideo -LiteralPath $clip -AlphaPath $out -Model $Shared -DownsampleRatio 0.5 | Out-Null
            Read-Matte $out
        }
    }

    AfterAll { $Shared.Dispose() }

    It 'gives the serial mattes from ForEach-Object -Parallel' {
        $results = $Inputs | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:ModulePath
            Convert-RvmVideo -LiteralPath $_ -AlphaPath "$_.parallel.alpha.mkv" -Model $using:Shared -DownsampleRatio 0.5
        }
        @($results).Count | Should -Be 4
        $results | ForEach-Object { $_.FrameCount | Should -Be 6 }
        $parallel = foreach ($clip in $Inputs) { Read-Matte "$clip.parallel.alpha.mkv" }
        $parallel | Should -Be $Serial
        # Different clips really give different mattes: the comparison can fail.
        @($Serial | Select-Object -Unique).Count | Should -Be 4
    }

    It 'gives the serial mattes from Start-ThreadJob' {
        $jobs = foreach ($clip in $Inputs) {
            Start-ThreadJob -ArgumentList $clip, $Shared, $ModulePath -ScriptBlock {
                param($Clip, $Model, $Module)
                Import-Module $Module
                Convert-RvmVideo -LiteralPath $Clip -AlphaPath "$Clip.job.alpha.mkv" -Model $Model -DownsampleRatio 0.5
            }
        }
        $results = $jobs | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
        @($results).Count | Should -Be 4
        $fromJobs = foreach ($clip in $Inputs) { Read-Matte "$clip.job.alpha.mkv" }
        $fromJobs | Should -Be $Serial
    }
}

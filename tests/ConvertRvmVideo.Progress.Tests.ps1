# The parent progress bar: "Input n of N" with a share done and the time left when the inputs are known up front,
# "Input n" from the pipeline. Progress cannot be redirected, so the command runs in its own PowerShell here and its
# progress records are read from that PowerShell's progress stream.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-prog-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    New-Item -ItemType Directory (Join-Path $Work 'in') | Out-Null
    $script:Inputs = foreach ($name in 'a.mp4', 'b.mp4', 'c.mp4') {
        $path = Join-Path $Work "in/$name"
        & ffmpeg -v error -y -i (Get-SourceVideo) -frames:v 6 -vf 'scale=160:120' -c:v libx264 -pix_fmt yuv420p $path
        if ($LASTEXITCODE -ne 0) { throw "Could not make the fixture $name" }
        $path
    }
    # The parent bar's records of one Convert-RvmVideo run, given as a script with $Model and $Inputs.
    function Get-ParentProgress([string] $Script) {
        $ps = [powershell]::Create()
        try {
            $ps.AddScript("param(`$Model, `$Inputs, `$Out) Import-Module '$ModulePath'; $Script").AddArgument($Model).AddArgument($Inputs).AddArgument((Join-Path $Work "out-$([guid]::NewGuid().ToString('N'))")) | Out-Null
            $results = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            @($results).Count | Should -Be $Inputs.Count
            @($ps.Streams.Progress | Where-Object { $_.ActivityId -eq 10 -and $_.RecordType -ne 'Completed' })
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo progress' {
    It 'counts "Input n of N" with a share done and the time left for -LiteralPath inputs' {
        $records = Get-ParentProgress 'Convert-RvmVideo -LiteralPath $Inputs -Model $Model -Destination $Out'
        foreach ($n in 1..3) { @($records | Where-Object StatusDescription -Like "Input $n of 3: *").Count | Should -BeGreaterThan 0 -Because "input $n" }
        $timed = @($records | Where-Object SecondsRemaining -ge 0)
        $timed.Count | Should -BeGreaterThan 0
        $percents = @($records | Where-Object PercentComplete -ge 0 | ForEach-Object PercentComplete)
        $percents[-1] | Should -BeGreaterThan 50
        ($percents | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 100
    }

    It 'counts "Input n of N" with -ThrottleLimit 2 too' {
        $records = Get-ParentProgress 'Convert-RvmVideo -LiteralPath $Inputs -Model $Model -Destination $Out -ThrottleLimit 2'
        foreach ($n in 1..3) { @($records | Where-Object StatusDescription -Like "Input $n of 3: *").Count | Should -BeGreaterThan 0 -Because "input $n" }
        @($records | Where-Object SecondsRemaining -ge 0).Count | Should -BeGreaterThan 0
    }

    It 'counts "Input n" without N or time left from the pipeline' {
        $records = Get-ParentProgress '$Inputs | Convert-RvmVideo -Model $Model -Destination $Out'
        foreach ($n in 1..3) { @($records | Where-Object StatusDescription -Like "Input ${n}: *").Count | Should -BeGreaterThan 0 -Because "input $n" }
        @($records | Where-Object StatusDescription -Like '* of *').Count | Should -Be 0
        @($records | Where-Object SecondsRemaining -ge 0).Count | Should -Be 0
    }
}

# tests/device/DeviceCheck.ps1 (build.ps1 DeviceCheck) on a machine without a usable CUDA device: it must report
# that cleanly, in its JSON and with exit code 2, not crash. On a GPU box (RVM_EXPECT_CUDA=1) these are skipped.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-devicecheck-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Work | Out-Null
    $script:Check = Join-Path $RepoRoot 'tests/device/DeviceCheck.ps1'

    # Runs the device check in a fresh pwsh with PATH as given; returns its exit code and its report.
    function Invoke-DeviceCheck([string] $Name, [string] $Path = $env:PATH) {
        $json = Join-Path $Work "$Name.json"
        $exe = (Get-Process -Id $PID).Path
        $info = [Diagnostics.ProcessStartInfo]::new($exe)
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-File', $Check, '-ModulePath', $ModulePath, '-OutputPath', $json) { $info.ArgumentList.Add($a) }
        $info.Environment['PATH'] = $Path
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $child = [Diagnostics.Process]::Start($info)
        $stderr = $child.StandardError.ReadToEndAsync()
        $stdout = $child.StandardOutput.ReadToEnd()
        if (-not $child.WaitForExit(120000)) { $child.Kill($true); throw "The device check did not finish in 2 minutes: $stdout" }
        [pscustomobject]@{ ExitCode = $child.ExitCode; Output = $stdout + $stderr.Result; Report = if (Test-Path $json) { Get-Content -Raw $json | ConvertFrom-Json } }
    }
}

AfterAll {
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'DeviceCheck without a CUDA device' -Skip:($env:RVM_EXPECT_CUDA -eq '1') {
    It 'reports no CUDA device with exit code 2 when there is no NVIDIA driver' -Skip:([bool](Get-Command nvidia-smi -ErrorAction SilentlyContinue)) {
        $run = Invoke-DeviceCheck 'no-driver'
        $run.ExitCode | Should -Be 2 -Because $run.Output
        $run.Output | Should -Match 'no CUDA device'
        $run.Report.status | Should -Be 'no CUDA device'
        $run.Report.exit_code | Should -Be 2
        $run.Report.reason | Should -Match 'nvidia-smi'
        @($run.Report.checks).Count | Should -Be 0
        $run.Report.environment.libraries.PSObject.Properties.Name | Should -Be @('cudart', 'cublas', 'cublasLt', 'cufft', 'cudnn')
    }

    It 'reports no CUDA device with the reason when a driver lists a GPU but CUDA cannot be used' -Skip:(-not $IsLinux) {
        # A stand-in for nvidia-smi (this test's own, on this child's PATH only) that lists one GPU.
        $bin = Join-Path $Work 'fake-driver'
        New-Item -ItemType Directory -Force $bin | Out-Null
        $smi = Join-Path $bin 'nvidia-smi'
        Set-Content -LiteralPath $smi -Value "#!/bin/sh`necho '0, Stand-in GPU, 580.00, 81559 MiB'"
        & chmod +x $smi
        $run = Invoke-DeviceCheck 'no-cuda' "$bin$([IO.Path]::PathSeparator)$env:PATH"
        $run.ExitCode | Should -Be 2 -Because $run.Output
        $run.Report.status | Should -Be 'no CUDA device'
        $run.Report.reason | Should -Match 'CUDA cannot be used'
        $run.Report.environment.driver.gpus[0].name | Should -Be 'Stand-in GPU'
        @($run.Report.checks).Count | Should -Be 0
    }
}

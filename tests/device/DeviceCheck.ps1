<#
.SYNOPSIS
    Rvm's GPU device check: what only an NVIDIA GPU can show, in one run of under 10 minutes. Run it with
    'dotnet pwsh ./build.ps1 DeviceCheck' on a machine with a GPU; it writes artifacts/device-check.json.
.DESCRIPTION
    environment  nvidia-smi (driver, GPUs), the libraries ONNX Runtime's CUDA provider needs (CUDA 13's cudart,
                 cublas, cublasLt, cufft; cuDNN 9) found on the library path, and Import-RvmModel -Device Cuda.
    placement    where the CUDA session expects its inputs (GetMemoryInfosForInputs).
    fidelity     the same frames (default 60 at 1080p) matted on the CPU and on the GPU, alpha written lossless
                 (FFV1): mean absolute alpha difference <= 1e-3. Then the golden cases (tests/golden) on the GPU
                 through the engine tests with RVM_EXPECT_CUDA=1: fp32, then fp16 with its own bound (needs the
                 .NET SDK and a built tests/Rvm.Engine.Tests; skipped with the reason otherwise).
    speed        the network alone (1080p, ratio 0.25, median of 20 runs) and Convert-RvmVideo end to end, with
                 and without -HardwareVideo.
    fallbacks    devices hidden (CUDA_VISIBLE_DEVICES empty): Auto falls back to the CPU and -Device Cuda fails
                 with a reason; TensorRT (experimental) on a short clip, whichever device it ends on.
    A missing cuDNN is not simulated here (it would need a machine without it); its fallback at the warm-up run
    is tested on the CPU by GpuSessionTests.
.NOTES
    Exit codes: 0 every check passed; 1 a check failed (the report says which); 2 no CUDA device: nvidia-smi finds
    no GPU or CUDA cannot be used, nothing else was run, and the report says why.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/Rvm/Rvm.psd1'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../../artifacts/device-check.json'),
    [int] $DeviceId = 0,
    [int] $Frames = 60,
    [int] $Width = 1920,
    [int] $Height = 1080
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath

$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
$work = Join-Path ([IO.Path]::GetTempPath()) "rvm-device-check-$PID"
New-Item -ItemType Directory -Force $work, (Split-Path $OutputPath) | Out-Null
$clock = [Diagnostics.Stopwatch]::StartNew()
$report = [ordered]@{
    tool        = 'Rvm DeviceCheck'
    started     = [DateTime]::UtcNow.ToString('o')
    machine     = [ordered]@{ os = [Runtime.InteropServices.RuntimeInformation]::OSDescription; processors = [Environment]::ProcessorCount }
    device_id   = $DeviceId
    status      = ''
    exit_code   = 0
    reason      = $null
    environment = [ordered]@{}
    checks      = [Collections.Generic.List[object]]::new()
}

function Save-Report([string] $Status, [int] $ExitCode, [string] $Reason) {
    $report.status = $Status
    $report.exit_code = $ExitCode
    $report.reason = $Reason
    $report.seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 1)
    $report | ConvertTo-Json -Depth 8 | Set-Content -Encoding utf8 $OutputPath
    Write-Host "Device check: $Status$(if ($Reason) { " ($Reason)" }). Report: $OutputPath"
}

# Runs one check; its script block returns a hashtable of details and sets 'passed' in it ($false fails the check).
function Invoke-Check([string] $Name, [scriptblock] $Body) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $entry = [ordered]@{ name = $Name; status = 'passed'; seconds = 0; details = $null }
    try {
        $details = & $Body
        $entry.details = $details
        if ($details -is [Collections.IDictionary] -and $details.Contains('skipped')) { $entry.status = 'skipped' }
        elseif ($details -is [Collections.IDictionary] -and $details.Contains('passed') -and -not $details.passed) { $entry.status = 'failed' }
    }
    catch {
        $entry.status = 'failed'
        $entry.details = [ordered]@{ error = $_.Exception.Message }
    }
    $entry.seconds = [Math]::Round($watch.Elapsed.TotalSeconds, 1)
    Write-Host ("  {0,-36} {1,-8} {2,6:0.0} s" -f $Name, $entry.status, $entry.seconds)
    $report.checks.Add($entry)
}

# The libraries ONNX Runtime's CUDA provider loads, searched where the loader searches: the library path and
# ldconfig's cache on Linux, PATH on Windows.
function Find-CudaLibraries {
    $windows = [Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([Runtime.InteropServices.OSPlatform]::Windows)
    $wanted = if ($windows) { [ordered]@{ cudart = 'cudart64_13*.dll'; cublas = 'cublas64_13*.dll'; cublasLt = 'cublasLt64_13*.dll'; cufft = 'cufft64_*.dll'; cudnn = 'cudnn64_9*.dll' } }
              else { [ordered]@{ cudart = 'libcudart.so.13*'; cublas = 'libcublas.so.13*'; cublasLt = 'libcublasLt.so.13*'; cufft = 'libcufft.so.*'; cudnn = 'libcudnn.so.9*' } }
    $pathVariable = if ($windows) { $env:PATH } else { $env:LD_LIBRARY_PATH }
    $folders = @(($pathVariable -split [IO.Path]::PathSeparator) | Where-Object { $_ -and (Test-Path -LiteralPath $_ -PathType Container) })
    $cached = if (-not $windows -and (Get-Command ldconfig -ErrorAction SilentlyContinue)) { @(& ldconfig -p 2>$null) } else { @() }
    $found = [ordered]@{}
    foreach ($name in $wanted.Keys) {
        $pattern = $wanted[$name]
        $hit = $folders | ForEach-Object { Get-ChildItem -LiteralPath $_ -Filter $pattern -ErrorAction SilentlyContinue } | Select-Object -First 1
        $found[$name] = if ($hit) { $hit.FullName }
                        else { ($cached | Where-Object { $_ -like "*$($pattern.TrimEnd('*'))* => *" } | Select-Object -First 1) -replace '^.* => ', '' }
        if (-not $found[$name]) { $found[$name] = $null }
    }
    $found
}

function Get-Gpus {
    if (-not (Get-Command nvidia-smi -ErrorAction SilentlyContinue)) { return [ordered]@{ gpus = @(); problem = 'nvidia-smi is not installed (no NVIDIA driver)' } }
    $lines = @(& nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>&1)
    if ($LASTEXITCODE -ne 0) { return [ordered]@{ gpus = @(); problem = "nvidia-smi failed: $($lines -join ' ')" } }
    $gpus = @($lines | Where-Object { "$_".Trim() } | ForEach-Object {
        $f = "$_" -split ',\s*'
        [ordered]@{ index = $f[0]; name = $f[1]; driver = $f[2]; memory = $f[3] }
    })
    [ordered]@{ gpus = $gpus; problem = $(if ($gpus.Count -eq 0) { 'nvidia-smi lists no GPU' } else { $null }) }
}

function Invoke-ChildPwsh([string] $Command, [hashtable] $Environment) {
    $exe = (Get-Process -Id $PID).Path
    $info = [Diagnostics.ProcessStartInfo]::new($exe)
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $info.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) { $info.Environment[$k] = $Environment[$k] }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $child = [Diagnostics.Process]::Start($info)
    $stderr = $child.StandardError.ReadToEndAsync()
    $stdout = $child.StandardOutput.ReadToEnd()
    $child.WaitForExit()
    [pscustomobject]@{ ExitCode = $child.ExitCode; Output = $stdout + $stderr.Result }
}

function New-Clip([int] $ClipWidth, [int] $ClipHeight, [int] $Count) {
    $shared = Join-Path $root '../shared/media/vtest-first20s.avi'
    $source = if (Test-Path $shared) { $shared } else { Join-Path $root 'samples/street.mp4' }
    $path = Join-Path $work "clip-${ClipWidth}x${ClipHeight}-$Count.mp4"
    & ffmpeg -v error -y -stream_loop -1 -i $source -frames:v $Count -vf "scale=${ClipWidth}:${ClipHeight}" -an -c:v libx264 -preset ultrafast -crf 18 -pix_fmt yuv420p $path
    if ($LASTEXITCODE -ne 0) { throw "ffmpeg could not make the test clip $path" }
    $path
}

function Invoke-EngineTests([hashtable] $Environment) {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { return [ordered]@{ skipped = 'the .NET SDK (dotnet) is not on PATH' } }
    $tests = Join-Path $root 'tests/Rvm.Engine.Tests'
    if (-not (Get-ChildItem (Join-Path $tests 'bin') -Recurse -Filter Rvm.Engine.Tests.dll -ErrorAction SilentlyContinue)) {
        return [ordered]@{ skipped = 'tests/Rvm.Engine.Tests is not built (dotnet build tests/Rvm.Engine.Tests -c Release)' }
    }
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        $output = @(& dotnet test $tests -c Release --no-build --nologo --filter 'FullyQualifiedName~ReferenceFidelityTests|FullyQualifiedName~BindingProtocolTests' --logger 'console;verbosity=detailed' 2>&1)
        $code = $LASTEXITCODE
    }
    finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
    [ordered]@{
        passed = $code -eq 0
        exit_code = $code
        measurements = @($output | ForEach-Object { "$_" } | Where-Object { $_ -match 'alpha mean' } | ForEach-Object { $_.Trim() })
        summary = @($output | ForEach-Object { "$_" } | Where-Object { $_ -match '^(Passed!|Failed!)' })
    }
}

try {
    Write-Host 'Rvm device check'
    # Environment: without a GPU nothing else can run; that is a result (exit code 2), not a crash.
    $gpus = Get-Gpus
    $report.environment.driver = $gpus
    $report.environment.libraries = Find-CudaLibraries
    $report.environment.cuda_visible_devices = $env:CUDA_VISIBLE_DEVICES
    if ($gpus.problem) {
        Save-Report 'no CUDA device' 2 $gpus.problem
        exit 2
    }
    try { $gpu = Import-RvmModel -Device Cuda -DeviceId $DeviceId -ErrorAction Stop }
    catch {
        $report.environment.cuda = $_.Exception.Message
        Save-Report 'no CUDA device' 2 "CUDA cannot be used: $($_.Exception.Message)"
        exit 2
    }
    $report.environment.cuda = "$gpu"
    $cpu = Import-RvmModel -Device Cpu

    Invoke-Check 'placement of the inputs' {
        $placement = [Rvm.Diagnostics.InputPlacement]::Of($gpu)
        [ordered]@{ inputs = $placement; src_on_gpu = "$($placement['src'])" -like 'GPU*' }
    }

    $clip = New-Clip $Width $Height $Frames
    Invoke-Check "fidelity: $Frames frames ${Width}x$Height, CPU against GPU" {
        $cpuAlpha = Join-Path $work 'alpha-cpu.mkv'
        $gpuAlpha = Join-Path $work 'alpha-gpu.mkv'
        Convert-RvmVideo -LiteralPath $clip -Model $cpu -AlphaPath $cpuAlpha -Force | Out-Null
        Convert-RvmVideo -LiteralPath $clip -Model $gpu -AlphaPath $gpuAlpha -Force | Out-Null
        $mae = [Rvm.Diagnostics.MatteComparison]::MeanAbsoluteError($cpuAlpha, $gpuAlpha, $Width, $Height)
        [ordered]@{ alpha_mae = $mae; bound = 1e-3; passed = $mae -le 1e-3 }
    }
    Invoke-Check 'fidelity: golden cases fp32 on the GPU' { Invoke-EngineTests @{ RVM_EXPECT_CUDA = '1'; RVM_TEST_PRECISION = 'Fp32' } }
    Invoke-Check 'fidelity: golden cases fp16 on the GPU' { Invoke-EngineTests @{ RVM_EXPECT_CUDA = '1'; RVM_TEST_PRECISION = 'Fp16' } }

    Invoke-Check 'speed: network alone' {
        $frame = Get-RvmVideoFrame -LiteralPath $clip | Select-Object -First 1
        $timing = [Rvm.Diagnostics.ModelBenchmark]::Measure($gpu, $frame, 0.25, 3, 20, "${Width}x$Height")
        [ordered]@{ device = $gpu.Device; median_ms = $timing.MedianMs; fps = $timing.Fps; ratio = 0.25 }
    }
    foreach ($hardware in $false, $true) {
        Invoke-Check "speed: end to end$(if ($hardware) { ' -HardwareVideo' })" {
            $verbose = Convert-RvmVideo -LiteralPath $clip -Model $gpu -CompositionPath (Join-Path $work "comp-$hardware.mp4") -AlphaPath (Join-Path $work "alpha-$hardware.mp4") `
                -Force -HardwareVideo:$hardware -Verbose 4>&1
            $result = $verbose | Where-Object { $_ -is [Rvm.Matting.RvmConversionResult] }
            [ordered]@{
                fps = $result.FramesPerSecond; frames = $result.FrameCount; device = $result.Device
                codecs = @($verbose | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'NVENC|NVDEC|GPU decoding|Decoding on GPU' } | ForEach-Object Message)
                passed = $result.FrameCount -eq $Frames
            }
        }
    }

    $short = New-Clip 640 360 30
    Invoke-Check 'fallback: devices hidden' {
        $command = "Import-Module '$($ModulePath -replace "'", "''")'; `$auto = (Import-RvmModel).Device; " +
            "try { Import-RvmModel -Device Cuda -ErrorAction Stop | Out-Null; 'cuda=loaded' } catch { 'cuda=' + `$_.Exception.Message }; 'auto=' + `$auto"
        $child = Invoke-ChildPwsh $command @{ CUDA_VISIBLE_DEVICES = '' }
        $auto = ($child.Output -split "`n" | Where-Object { $_ -like 'auto=*' }) -replace '^auto=', ''
        $cuda = ($child.Output -split "`n" | Where-Object { $_ -like 'cuda=*' }) -replace '^cuda=', ''
        [ordered]@{ auto_device = "$auto".Trim(); cuda = "$cuda".Trim(); passed = "$auto".Trim() -eq 'CPU' -and "$cuda".Trim() -ne 'loaded' }
    }
    Invoke-Check 'fallback: TensorRT on a short clip' {
        $trt = Import-RvmModel -Device TensorRT -DeviceId $DeviceId -Verbose 4>&1
        $model = $trt | Where-Object { $_ -is [Rvm.Inference.RvmModel] }
        $said = @($trt | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'TensorRT' } | ForEach-Object Message)
        try {
            $result = Convert-RvmVideo -LiteralPath $short -Model $model -AlphaPath (Join-Path $work 'alpha-trt.mkv') -Force
            [ordered]@{ device = $model.Device; verbose = $said; fps = $result.FramesPerSecond; passed = $result.FrameCount -eq 30 }
        }
        finally { $model.Dispose() }
    }

    $failed = @($report.checks | Where-Object { $_.status -eq 'failed' })
    if ($failed.Count -gt 0) {
        Save-Report 'failed' 1 "$($failed.Count) check(s) failed: $(($failed | ForEach-Object name) -join ', ')"
        exit 1
    }
    Save-Report 'passed' 0 $null
    exit 0
}
catch {
    Save-Report 'failed' 1 "the check itself failed: $($_.Exception.Message)"
    exit 1
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

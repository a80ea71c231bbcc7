# The packages of 'build.ps1 Package' installed with Install-PSResource into a throwaway home, then used from a fresh
# pwsh that knows nothing but 'Import-Module Rvm': first Rvm alone, then with its CUDA add-on.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Feed = Join-Path $RepoRoot 'artifacts/package'
    $script:Version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'Rvm.psd1')).ModuleVersion
    # The add-ons' version is ONNX Runtime's, from the engine's package reference.
    $script:OrtVersion = (Select-Xml -Path (Join-Path $RepoRoot 'src/Rvm.Engine/Rvm.Engine.csproj') -XPath "//PackageReference[@Include='Microsoft.ML.OnnxRuntime.Gpu']").Node.Version
    $script:AddOn = if ($IsWindows) { 'Rvm.Cuda.Windows' } else { 'Rvm.Cuda.Linux' }
    $script:Home2 = Join-Path ([IO.Path]::GetTempPath()) "rvm-home-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Home2 | Out-Null
    # A clean login: a PATH, a new HOME (so a new user module path and repository list), and the model cache.
    $script:CleanEnvironment = @{ PATH = $env:PATH; HOME = $Home2; RVM_HOME = [Rvm.Models.ModelCache]::DefaultRoot() }
    $script:Clip = Join-Path $Home2 'clip with spaces.mp4'
    & ffmpeg -v error -y -i (Get-SourceVideo) -frames:v 5 -vf 'scale=160:120' -c:v libx264 -pix_fmt yuv420p $Clip

    # In a fresh pwsh: imports Rvm, converts the clip on -Device Auto, then prints which ONNX Runtime core library the
    # process mapped (Linux's /proc/self/maps), and what -Device Cuda says.
    $script:UseRvm = @"
Import-Module Rvm
`$r = Convert-RvmVideo -LiteralPath '$($Clip -replace "'", "''")' -Output Alpha -Device Auto -Force -ErrorAction Stop
'frames=' + `$r.FrameCount
'device=' + `$r.Device
if (`$IsLinux) { Get-Content "/proc/`$PID/maps" | ForEach-Object { (`$_ -split '\s+')[-1] } | Where-Object { `$_ -like '*/libonnxruntime.so' } | Sort-Object -Unique | ForEach-Object { 'core=' + `$_ } }
try { Import-RvmModel -Device Cuda -ErrorAction Stop } catch { 'cuda=' + `$_.Exception.Message; 'category=' + `$_.CategoryInfo.Category; 'advice=' + `$_.ErrorDetails.RecommendedAction }
"@
    function script:Lines([string[]] $Output, [string] $Key) { @($Output | Where-Object { $_ -like "$Key=*" } | ForEach-Object { $_.Substring($Key.Length + 1) }) }
}

AfterAll {
    Remove-Item $Home2 -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The Rvm package' {
    It 'is built by build.ps1 Package with its add-ons, each under the Gallery''s 250 MB' {
        $packages = @("Rvm.$Version.nupkg", "Rvm.Cuda.Linux.$OrtVersion.nupkg", "Rvm.Cuda.Windows.$OrtVersion.nupkg") | ForEach-Object { Get-Item (Join-Path $Feed $_) }
        $packages | ForEach-Object { $_.Length | Should -BeLessThan 250e6 -Because "$($_.Name) is $($_.Length) bytes" }
        # Rvm itself is small (about 21 MB: the CPU library of both platforms); the CUDA provider is the weight.
        $packages[0].Length | Should -BeLessThan 30e6
    }

    It 'puts the whole ONNX Runtime of one platform, and nothing else, in each add-on' -ForEach @(
        @{ Name = 'Rvm.Cuda.Linux'; Files = @('libonnxruntime.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so') }
        @{ Name = 'Rvm.Cuda.Windows'; Files = @('onnxruntime.dll', 'onnxruntime_providers_cuda.dll', 'onnxruntime_providers_shared.dll', 'onnxruntime_providers_tensorrt.dll') }
    ) {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead((Join-Path $Feed "$Name.$OrtVersion.nupkg"))
        try { $entries = @($zip.Entries | Where-Object { $_.FullName -notmatch '^(_rels|package)/|^\[Content_Types\]\.xml$|\.nuspec$' } | ForEach-Object FullName) }
        finally { $zip.Dispose() }
        $entries | Sort-Object | Should -Be (@($Files) + "$Name.psd1" | Sort-Object)
    }

    It 'installs with Install-PSResource from a local repository' {
        $install = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name RvmLocal -Uri '$($Feed -replace "'", "''")' -Trusted
Install-PSResource -Name Rvm -Repository RvmLocal -Scope CurrentUser -TrustRepository
(Get-InstalledPSResource -Name Rvm).InstalledLocation
"@
        $output = Invoke-Pwsh @('-Command', $install) $CleanEnvironment
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $script:Installed = Join-Path ($output | Select-Object -Last 1) "Rvm/$Version"
        $Installed | Should -BeLike "$Home2*"
        Join-Path $Installed 'Rvm.psd1' | Should -Exist
    }

    It 'carries ONNX Runtime''s CPU library of linux-x64 and win-x64 and no GPU provider' {
        $natives = Get-ChildItem $Installed -Recurse -File | Where-Object { $_.Name -match '\.(so|dll|dylib|lib)$' -and $_.Name -match 'onnxruntime' } |
            ForEach-Object Name | Sort-Object
        $natives | Should -Be (@('libonnxruntime.so', 'Microsoft.ML.OnnxRuntime.dll', 'onnxruntime.dll') | Sort-Object) -Because 'the providers come in the add-ons; import libraries (.lib) and other platforms do not ship'
    }

    It 'has a clean manifest' {
        $manifest = Test-ModuleManifest -Path (Join-Path $Installed 'Rvm.psd1') -ErrorAction Stop
        $manifest.Version | Should -Be $Version
        # The installed manifest exports what the repository's manifest lists, the version's and the list's one home.
        $expected = @((Import-PowerShellDataFile (Join-Path $RepoRoot 'Rvm.psd1')).CmdletsToExport | Sort-Object)
        $expected.Count | Should -Be 10
        $manifest.ExportedCmdlets.Keys | Sort-Object | Should -Be $expected
    }

    It 'converts a clip from a fresh pwsh with only Import-Module Rvm' {
        $use = @"
`$ErrorActionPreference = 'Stop'
Import-Module Rvm
`$r = Convert-RvmVideo -LiteralPath '$($Clip -replace "'", "''")' -Output Composition, Alpha -Device Cpu
(Get-Module Rvm).ModuleBase
`$r.FrameCount
(Get-Help Convert-RvmVideo).Synopsis
"@
        $output = @(Invoke-Pwsh @('-Command', $use) $CleanEnvironment)
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output[-3] | Should -Be $Installed
        $output[-2] | Should -Be '5'
        $output[-1] | Should -Not -BeNullOrEmpty
        Join-Path $Home2 'clip with spaces.composition.mp4' | Should -Exist
        Join-Path $Home2 'clip with spaces.alpha.mp4' | Should -Exist
    }

    It 'alone runs its own ONNX Runtime on the CPU, and -Device Cuda names the add-on to install' {
        $output = @(Invoke-Pwsh @('-Command', $UseRvm) $CleanEnvironment)
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        Lines $output 'frames' | Should -Be '5'
        Lines $output 'device' | Should -Be 'CPU'
        if ($IsLinux) { Lines $output 'core' | Should -Be (Join-Path $Installed 'libonnxruntime.so') }
        $cuda = Lines $output 'cuda'
        $cuda | Should -Match "$AddOn module, which is not installed \(Install-PSResource $AddOn -Version $([regex]::Escape($OrtVersion))\)"
        $cuda | Should -Match 'CUDA 13'
        Lines $output 'category' | Should -Be 'NotInstalled'
        Lines $output 'advice' | Should -Match "install the $AddOn module"
    }
}

Describe 'The CUDA add-on' {
    It 'installs beside Rvm with Install-PSResource' {
        $install = @"
`$ErrorActionPreference = 'Stop'
Install-PSResource -Name $AddOn -Repository RvmLocal -Scope CurrentUser -TrustRepository
(Get-InstalledPSResource -Name $AddOn).InstalledLocation
"@
        $output = Invoke-Pwsh @('-Command', $install) $CleanEnvironment
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $script:AddOnFolder = Join-Path ($output | Select-Object -Last 1) "$AddOn/$OrtVersion"
        $AddOnFolder | Should -BeLike "$Home2*"
        (Test-ModuleManifest -Path (Join-Path $AddOnFolder "$AddOn.psd1") -ErrorAction Stop).Version | Should -Be $OrtVersion
    }

    It 'is what Rvm runs ONNX Runtime from, and -Device Cuda then names the CUDA library that is missing' -Skip:($env:RVM_EXPECT_CUDA -eq '1') {
        $output = @(Invoke-Pwsh @('-Command', $UseRvm) $CleanEnvironment)
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        Lines $output 'frames' | Should -Be '5'
        Lines $output 'device' | Should -Be 'CPU' -Because 'Auto falls back to the CPU where CUDA cannot load'
        # One core library mapped, the add-on's: Rvm's own copy is never loaded beside it.
        if ($IsLinux) { Lines $output 'core' | Should -Be (Join-Path $AddOnFolder 'libonnxruntime.so') }
        $cuda = Lines $output 'cuda'
        $cuda | Should -Match ([regex]::Escape((Join-Path $AddOnFolder 'libonnxruntime_providers_cuda.so')))
        $cuda | Should -Match 'libcublas|libcudart|libcudnn' -Because 'the provider is there: what is missing is CUDA itself'
        $cuda | Should -Not -Match 'which is not installed'
        Lines $output 'advice' | Should -Match ([regex]::Escape("$AddOn is installed in '$AddOnFolder'"))
    }
}

# The .nupkg of 'build.ps1 Package' installed with Install-PSResource into a throwaway home, then used from a fresh
# pwsh that knows nothing but 'Import-Module Rvm'.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Feed = Join-Path $RepoRoot 'artifacts/package'
    $script:Version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'Rvm.psd1')).ModuleVersion
    $script:Home2 = Join-Path ([IO.Path]::GetTempPath()) "rvm-home-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $Home2 | Out-Null
    # A clean login: a PATH, a new HOME (so a new user module path and repository list), and the model cache.
    $script:CleanEnvironment = @{ PATH = $env:PATH; HOME = $Home2; RVM_HOME = [Rvm.Models.ModelCache]::DefaultRoot() }
    $script:Clip = Join-Path $Home2 'clip with spaces.mp4'
    & ffmpeg -v error -y -i (Get-SourceVideo) -frames:v 5 -vf 'scale=160:120' -c:v libx264 -pix_fmt yuv420p $Clip
}

AfterAll {
    Remove-Item $Home2 -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The Rvm package' {
    It 'is built by build.ps1 Package' {
        Join-Path $Feed "Rvm.$Version.nupkg" | Should -Exist
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

    It 'carries the native libraries of linux-x64 and win-x64 and no others' {
        $natives = Get-ChildItem $Installed -Recurse -File | Where-Object { $_.Name -match '\.(so|dll|dylib|lib)$' -and $_.Name -match 'onnxruntime' } |
            ForEach-Object Name | Sort-Object
        $natives | Should -Be (@(
            'libonnxruntime.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so',
            'Microsoft.ML.OnnxRuntime.dll',
            'onnxruntime.dll', 'onnxruntime_providers_cuda.dll', 'onnxruntime_providers_shared.dll', 'onnxruntime_providers_tensorrt.dll') | Sort-Object) -Because 'import libraries (.lib) and other platforms do not ship'
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
}

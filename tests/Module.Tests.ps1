BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
}

Describe 'The Rvm module' {
    It 'has root and built manifests that Test-ModuleManifest passes without a word' {
        foreach ($path in (Join-Path $RepoRoot 'Rvm.psd1'), $ModulePath) {
            $problems = $null
            Test-ModuleManifest -Path $path -ErrorVariable problems -WarningVariable +problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
            $problems | Should -BeNullOrEmpty -Because $path
        }
    }

    It 'has a valid manifest with the version from the root manifest' {
        $built = Test-ModuleManifest -Path $ModulePath
        $root = Import-PowerShellDataFile (Join-Path $RepoRoot 'Rvm.psd1')
        $built.Version | Should -Be ([version]$root.ModuleVersion)
        $built.CompatiblePSEditions | Should -Be @('Core')
        # 7.4's .NET 8 cannot load the engine's System.Text.Json 9.0 (build.ps1 LoadTest shows it).
        $built.PowerShellVersion | Should -Be ([version]'7.5')
    }

    It 'exports exactly its cmdlets' {
        (Get-Command -Module Rvm).Name | Sort-Object | Should -Be @('Convert-RvmVideo', 'Get-RvmBatch', 'Get-RvmVideoFrame', 'Import-RvmModel', 'Invoke-RvmBatchTask', 'Invoke-RvmFrame', 'New-RvmBatch', 'New-RvmPreview', 'Save-RvmFrame', 'Start-RvmBatch')
    }

    It 'imports from the root manifest after a build' {
        $out = Invoke-ChildPwsh "Import-Module '$(Join-Path $RepoRoot 'Rvm.psd1')'; (Get-Command -Module Rvm).Count" 2>&1
        $out | Select-Object -Last 1 | Should -Be '10'
    }

    It 'keeps ONNX Runtime native libraries flat beside the managed assembly' {
        $folder = Split-Path $ModulePath
        if ($IsLinux) { Join-Path $folder 'libonnxruntime.so' | Should -Exist }
        Join-Path $folder 'Microsoft.ML.OnnxRuntime.dll' | Should -Exist
        Join-Path $folder 'System.Management.Automation.dll' | Should -Not -Exist
    }

    It 'declares the output type of every cmdlet' {
        foreach ($name in (Get-Command -Module Rvm).Name) {
            (Get-Command $name).OutputType.Count | Should -BeGreaterThan 0 -Because $name
        }
    }
}

Describe 'Help' {
    It '<Name> has a synopsis, a description, at least two examples and help for every parameter' -ForEach @(
        @{ Name = 'Import-RvmModel' }, @{ Name = 'Invoke-RvmFrame' }, @{ Name = 'Save-RvmFrame' }, @{ Name = 'Convert-RvmVideo' }, @{ Name = 'Get-RvmVideoFrame' }, @{ Name = 'New-RvmBatch' }, @{ Name = 'Start-RvmBatch' }, @{ Name = 'Invoke-RvmBatchTask' }, @{ Name = 'Get-RvmBatch' }, @{ Name = 'New-RvmPreview' }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -Match "^\s*$Name"   # auto-generated help repeats the syntax
        $help.Description.Text | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $common -notcontains $_ }) {
            $entry = $help.Parameters.Parameter | Where-Object Name -eq $p
            $entry.Description.Text | Should -Not -BeNullOrEmpty -Because "-$p needs help"
        }
    }

    It 'is the same from the root manifest (README''s Import-Module ./Rvm.psd1) as from the built one' {
        # Help entries with text: each cmdlet's description and each parameter's, counted in a fresh pwsh per manifest.
        $probe = {
            param($Manifest)
            "Import-Module '$Manifest'; " + @'
$n = 0
foreach ($c in Get-Command -Module Rvm) {
    $h = Get-Help $c.Name -Full
    if ($h.Description.Text) { $n++ }
    foreach ($p in @($h.Parameters.Parameter)) { if ($p -and $p.Description.Text) { $n++ } }
}
"count=$n"
"output=$((Get-Help Convert-RvmVideo -Parameter Output).Description.Text)"
"model=$((Get-Help Import-RvmModel -Parameter Variant).Description.Text)"
"about=$((Get-Help about_Rvm | Out-String) -match '(?m)^MODELS')"
'@
        }
        $root = Invoke-ChildPwsh (& $probe (Join-Path $RepoRoot 'Rvm.psd1')) 2>&1 | Out-String
        $built = Invoke-ChildPwsh (& $probe $ModulePath) 2>&1 | Out-String
        $count = if ($root -match 'count=(\d+)') { [int]$Matches[1] } else { 0 }
        $count | Should -BeGreaterThan 50 -Because $root
        $root | Should -Match 'output=Which outputs to make'
        $root | Should -Match 'model=\S'
        $root | Should -Match 'about=True'
        $root | Should -Be $built
    }

    It 'has about_Rvm on <Section>' -ForEach @(
        @{ Section = 'MODELS' }, @{ Section = 'DEVICES' }, @{ Section = 'RECURRENT STATE' }, @{ Section = 'OUTPUTS AND FORMATS' },
        @{ Section = 'INSTALLING' }, @{ Section = 'RECIPES' }
    ) {
        (Get-Help about_Rvm | Out-String) | Should -Match "(?m)^$Section"
    }
}

Describe 'The demo (README''s first command)' {
    It 'converts the bundled clip and portrait into mattes, foregrounds and compositions' {
        $out = Join-Path ([IO.Path]::GetTempPath()) "rvm-demo-$([guid]::NewGuid().ToString('N'))"
        try {
            $log = Invoke-ChildPwsh "& '$(Join-Path $RepoRoot 'samples/Demo.ps1')' -ModulePath '$ModulePath' -OutputFolder '$out'" 2>&1 | Out-String
            $LASTEXITCODE | Should -Be 0 -Because $log
            foreach ($name in 'street.composition.mp4', 'street.alpha.mp4', 'street.composition.webm',
                'astronaut-composition.png', 'astronaut-alpha.png', 'astronaut-foreground.png', 'astronaut-transparent.png') {
                Join-Path $out $name | Should -Exist
                $log | Should -Match ([regex]::Escape($name))
            }
            (Get-Probe (Join-Path $out 'astronaut-transparent.png')).streams[0].pix_fmt | Should -Be 'rgba'
            # A person was found: a good part of the matte is opaque.
            $alpha = Read-RawPixels (Join-Path $out 'astronaut-alpha.png') 'gray'
            ($alpha | Where-Object { $_ -gt 128 }).Count / $alpha.Length | Should -BeGreaterThan 0.2
        }
        finally { Remove-Item $out -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Completion' {
    It 'completes -Background colour names and Transparent on <Command>' -ForEach @(@{ Command = 'Convert-RvmVideo' }, @{ Command = 'Save-RvmFrame' }) {
        $line = "$Command -Background Chr"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('ChromaGreen', 'ChromaBlue')
        $line = "$Command -Background tra"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Transparent')
    }

    It 'completes the enums of -Variant, -Device and -Output' {
        $line = 'Import-RvmModel -Variant Res'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('ResNet50')
        $line = 'Convert-RvmVideo -Output Al'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Alpha')
        $line = 'Import-RvmModel -Device Cu'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Cuda')
    }
}

Describe 'Diagnostics' {
    It 'never writes to the host from a cmdlet (Verbose, Warning, Progress and errors only)' {
        $sources = Get-ChildItem (Join-Path $RepoRoot 'src') -Recurse -Filter *.cs
        $sources | Select-String -Pattern 'Host\.UI|Write-Host|Console\.Write' | ForEach-Object { "$($_.Filename):$($_.LineNumber) $($_.Line.Trim())" } |
            Should -BeNullOrEmpty
    }

    It 'says with -Verbose where the model came from, the device and the threads' {
        $text = (Import-RvmModel -Device Cpu -ThreadCount 2 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $text | Should -Match 'cache|npm|release|file'
        $text | Should -Match 'CPU'
        $text | Should -Match 'threads: 2'
    }

    It 'tells how to install ffmpeg when it is missing (RecommendedAction)' {
        $clip = Join-Path $GoldenRoot 'astronaut/frame_0000.png'
        # A PATH with dotnet but no ffmpeg, and no RVM_FFMPEG_PATH.
        $dotnet = (Get-Process -Id $PID).Path
        $probe = @"
`$e = `$null
Import-Module '$($ModulePath -replace "'", "''")'
Convert-RvmVideo -LiteralPath '$($clip -replace "'", "''")' -Destination '$([IO.Path]::GetTempPath())' -Device Cpu -ErrorVariable e -ErrorAction SilentlyContinue
`$e[0].CategoryInfo.Category
`$e[0].ErrorDetails.RecommendedAction
"@
        $output = @(Invoke-Pwsh @('-Command', $probe) @{ PATH = (Split-Path $dotnet); HOME = $env:HOME; RVM_HOME = [Rvm.Models.ModelCache]::DefaultRoot() })
        $output -join "`n" | Should -Match 'NotInstalled'
        $output -join "`n" | Should -Match 'apt-get install ffmpeg'
    }

    It 'finds ffmpeg installed after a failed search in the same session, and where RVM_FFMPEG_PATH says (a scheduled task)' {
        $clip = Join-Path $RepoRoot 'samples/street.mp4'
        $tools = Split-Path (Get-Command ffmpeg).Source
        $noFfmpeg = Split-Path (Get-Process -Id $PID).Path
        $import = "Import-Module '$($ModulePath -replace "'", "''")'"
        $firstFrame = "(Get-RvmVideoFrame -LiteralPath '$($clip -replace "'", "''")' | Select-Object -First 1).Width"
        $probe = @"
$import
`$e = `$null
Get-RvmVideoFrame -LiteralPath '$($clip -replace "'", "''")' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
'before: ' + `$e[0].CategoryInfo.Category
`$env:PATH += [IO.Path]::PathSeparator + '"$($tools -replace "'", "''")"'
'after: ' + $firstFrame
"@
        $output = @(Invoke-Pwsh @('-Command', $probe) @{ PATH = $noFfmpeg; HOME = $env:HOME })
        $output | Should -Contain 'before: NotInstalled' -Because ($output -join "`n")
        # The folder was added to PATH in double quotes, as Windows allows.
        $output | Should -Contain 'after: 384' -Because ($output -join "`n")

        $output = @(Invoke-Pwsh @('-Command', "$import; $firstFrame") @{ PATH = $noFfmpeg; HOME = $env:HOME; RVM_FFMPEG_PATH = $tools })
        $output | Should -Contain '384' -Because ($output -join "`n")
        $wrongSetting = "$import; Get-RvmVideoFrame -LiteralPath '$($clip -replace "'", "''")' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null; `$e[0].Exception.Message"
        $output = @(Invoke-Pwsh @('-Command', $wrongSetting) @{ PATH = "$noFfmpeg$([IO.Path]::PathSeparator)$tools"; HOME = $env:HOME; RVM_FFMPEG_PATH = $noFfmpeg })
        # A wrong setting is named, not silently replaced by the ffmpeg on PATH.
        ($output -join "`n") | Should -Match 'RVM_FFMPEG_PATH is .* which does not hold both ffmpeg and ffprobe'
    }
}

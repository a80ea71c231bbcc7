# -OutputName: the template names every output Rvm names (videos, PNG folders, batch plans); a bad template stops the
# command before any input, naming the template, with nothing written.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Model = Import-RvmModel -Device Cpu
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "rvm-name-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    New-Item -ItemType Directory (Join-Path $Work 'in') | Out-Null
    # A name like an ffmpeg option: names are data.
    foreach ($name in 'take1.mp4', '-y.mp4') {
        & ffmpeg -v error -y -i (Get-SourceVideo) -frames:v 3 -vf 'scale=160:120' -c:v libx264 -pix_fmt yuv420p -- (Join-Path $Work "in/$name")
        if ($LASTEXITCODE -ne 0) { throw "Could not make the fixture $name" }
    }
    function Get-Names([string] $Folder) { @(Get-ChildItem -LiteralPath $Folder -Force | Sort-Object Name).Name }
}

AfterAll {
    $Model.Dispose()
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Convert-RvmVideo -OutputName' {
    It 'names the outputs of every input by the template under -Destination, and -SkipExisting finds them again' {
        $out = Join-Path $Work 'out'
        $inputs = (Join-Path $Work 'in/take1.mp4'), (Join-Path $Work 'in/-y.mp4')
        $r = @(Convert-RvmVideo -LiteralPath $inputs -Model $Model -Output Composition, Alpha -OutputName '{0}_{1}' -Destination $out -ErrorAction Stop)
        $r.Count | Should -Be 2
        Get-Names $out | Should -Be @('-y_alpha.mp4', '-y_composition.mp4', 'take1_alpha.mp4', 'take1_composition.mp4')
        $before = (Get-Item -LiteralPath (Join-Path $out 'take1_alpha.mp4')).LastWriteTimeUtc

        Convert-RvmVideo -LiteralPath $inputs -Model $Model -Output Composition, Alpha -OutputName '{0}_{1}' -Destination $out -SkipExisting -ErrorAction Stop | Out-Null
        (Get-Item -LiteralPath (Join-Path $out 'take1_alpha.mp4')).LastWriteTimeUtc | Should -Be $before
        Get-Names $out | Should -Be @('-y_alpha.mp4', '-y_composition.mp4', 'take1_alpha.mp4', 'take1_composition.mp4')
    }

    It 'names PNG sequence folders by the template' {
        $out = Join-Path $Work 'png'
        Convert-RvmVideo -LiteralPath (Join-Path $Work 'in/take1.mp4') -Model $Model -Output Alpha -OutputType PngSequence -OutputName '{1} of {0}' -Destination $out -ErrorAction Stop | Out-Null
        Get-Names $out | Should -Be @('alpha of take1')
        @(Get-ChildItem -LiteralPath (Join-Path $out 'alpha of take1') -Filter *.png).Count | Should -Be 3
    }

    It 'refuses <Template> before any input, naming it, and writes nothing' -ForEach @(
        @{ Template = '{0}'; Why = 'has no {1}' }
        @{ Template = '{1}'; Why = 'has no {0}' }
        @{ Template = 'mattes/{0}_{1}'; Why = 'file names cannot hold' }
        @{ Template = '{0}_{2}'; Why = 'unknown placeholder' }
    ) {
        $out = Join-Path $Work "bad-$([guid]::NewGuid().ToString('N'))"
        $e = { Convert-RvmVideo -LiteralPath (Join-Path $Work 'in/take1.mp4') -Model $Model -Output Composition, Alpha -OutputName $Template -Destination $out -ErrorAction Stop } |
            Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike "-OutputName '$([WildcardPattern]::Escape($Template))' *$Why*"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path -LiteralPath $out | Should -BeFalse
    }

    It 'refuses -OutputName with -CompositionPath' {
        { Convert-RvmVideo -LiteralPath (Join-Path $Work 'in/take1.mp4') -Model $Model -OutputName '{0}_{1}' -CompositionPath (Join-Path $Work 'one.mp4') -ErrorAction Stop } |
            Should -Throw '*give one or the other*'
        Join-Path $Work 'one.mp4' | Should -Not -Exist
    }
}

Describe 'New-RvmBatch -OutputName' {
    It 'writes the templated names into the plan the workers read' {
        New-RvmBatch -LiteralPath (Join-Path $Work 'in/take1.mp4') -Destination (Join-Path $Work 'batch-out') -JobFolder (Join-Path $Work 'job') -Model $Model -Output Composition, Alpha -OutputName '{0}_{1}' | Out-Null
        $plan = Get-Content (Join-Path $Work 'job/plan.json') -Raw | ConvertFrom-Json
        $plan.Entries[0].Request.CompositionPath | Should -Be (Join-Path $Work 'batch-out/take1_composition.mp4')
        $plan.Entries[0].Request.AlphaPath | Should -Be (Join-Path $Work 'batch-out/take1_alpha.mp4')
    }
}

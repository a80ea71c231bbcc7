<#
.SYNOPSIS
    The main job on the bundled sample: the astronaut portrait through RVM, with the default model.
    Run it with 'dotnet pwsh ./build.ps1 Demo' (which builds the module first).
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Rvm/Rvm.psd1'),
    [string] $OutputFolder = (Join-Path $PSScriptRoot '../out/demo')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

New-Item -ItemType Directory -Force $OutputFolder | Out-Null
$sample = Join-Path $PSScriptRoot 'astronaut.jpg'
$result = Get-Item -LiteralPath $sample | Invoke-RvmFrame -Verbose
$files = $result | Save-RvmFrame -Force `
    -CompositionPath (Join-Path $OutputFolder 'astronaut-composition.png') `
    -AlphaPath (Join-Path $OutputFolder 'astronaut-alpha.png') `
    -ForegroundPath (Join-Path $OutputFolder 'astronaut-foreground.png')
$transparent = $result | Save-RvmFrame -Force -Background Transparent -CompositionPath (Join-Path $OutputFolder 'astronaut-transparent.png')

$result | Format-Table
Write-Host "Outputs:"
$files + $transparent | ForEach-Object { Write-Host "  $($_.FullName)" }

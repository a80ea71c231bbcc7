<#
.SYNOPSIS
    The main job on the bundled samples, with the default model: the street clip through Convert-RvmVideo
    (composition, matte and a transparent cut-out), and the portrait through Invoke-RvmFrame.
    Run it with 'dotnet pwsh ./build.ps1 Demo' (which builds the module first).
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Rvm/Rvm.psd1'),
    [string] $OutputFolder = (Join-Path $PSScriptRoot '../out/demo')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
New-Item -ItemType Directory -Force $OutputFolder | Out-Null

# Videos: every *.mp4 in samples/, composition over RVM's green and the matte, then a transparent cut-out.
$results = @(Get-ChildItem (Join-Path $PSScriptRoot '*.mp4') |
    Convert-RvmVideo -Destination $OutputFolder -Output Composition, Alpha -Force -Verbose)
$results += Get-ChildItem (Join-Path $PSScriptRoot '*.mp4') |
    Convert-RvmVideo -Destination $OutputFolder -Background Transparent -Container Webm -Force
$results | Format-Table

# A picture: matte, foreground and compositions as PNG.
$portrait = Get-Item -LiteralPath (Join-Path $PSScriptRoot 'astronaut.jpg') | Invoke-RvmFrame
$files = @($portrait | Save-RvmFrame -Force `
    -CompositionPath (Join-Path $OutputFolder 'astronaut-composition.png') `
    -AlphaPath (Join-Path $OutputFolder 'astronaut-alpha.png') `
    -ForegroundPath (Join-Path $OutputFolder 'astronaut-foreground.png'))
$files += $portrait | Save-RvmFrame -Force -Background Transparent -CompositionPath (Join-Path $OutputFolder 'astronaut-transparent.png')

Write-Host 'Outputs:'
$results | ForEach-Object { $_.CompositionPath, $_.AlphaPath } | Where-Object { $_ } | ForEach-Object { Write-Host "  $_" }
$files | ForEach-Object { Write-Host "  $($_.FullName)" }

<#
.SYNOPSIS
    Writes the module's MAML help (en-US/Rvm.PowerShell.dll-Help.xml) from the readable sources beside this
    script (<Cmdlet>.help.psd1) and from the built cmdlets themselves: parameter types, sets, positions,
    pipeline input, wildcards and defaults are read from the compiled code, so they cannot drift.
    Fails when a cmdlet or a parameter has no help text. build.ps1 runs it in a fresh pwsh after a build.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath
$module = Get-Module Rvm
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
New-Item -ItemType Directory -Force (Split-Path $OutputPath) | Out-Null
$xml = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Para([string] $Text) { $xml.WriteStartElement('maml', 'para', $maml); $xml.WriteString($Text); $xml.WriteEndElement() }
function Description([string[]] $Paragraphs) {
    $xml.WriteStartElement('maml', 'description', $maml)
    foreach ($p in $Paragraphs) { Para $p }
    $xml.WriteEndElement()
}
function Element([string] $Prefix, [string] $Name, [string] $Ns, [string] $Text) {
    $xml.WriteStartElement($Prefix, $Name, $Ns); $xml.WriteString($Text); $xml.WriteEndElement()
}
function TypeName([type] $Type) {
    if ($Type.IsArray) { return "$(TypeName $Type.GetElementType())[]" }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return TypeName $Type.GetGenericArguments()[0] }
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    return $Type.FullName
}
function PipelineText($Attributes) {
    $kinds = @()
    if ($Attributes | Where-Object ValueFromPipeline) { $kinds += 'ByValue' }
    if ($Attributes | Where-Object ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

$xml.WriteStartElement('helpItems', 'http://msh')
$xml.WriteAttributeString('schema', 'maml')
foreach ($cmd in Get-Command -Module Rvm -CommandType Cmdlet | Sort-Object Name) {
    $sourcePath = Join-Path $PSScriptRoot "$($cmd.Name).help.psd1"
    if (-not (Test-Path $sourcePath)) { throw "No help source for $($cmd.Name): $sourcePath" }
    $help = Import-PowerShellDataFile $sourcePath
    $instance = [Activator]::CreateInstance($cmd.ImplementingType)
    $parameters = @($cmd.Parameters.Values | Where-Object { $common -notcontains $_.Name })
    foreach ($p in $parameters) {
        if (-not $help.Parameters.ContainsKey($p.Name)) { throw "$($cmd.Name) -$($p.Name) has no help text in $sourcePath" }
    }
    if (@($help.Examples).Count -lt 2) { throw "$($cmd.Name) needs at least two examples in $sourcePath" }

    $xml.WriteStartElement('command', 'command', $command)
    $xml.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $xml.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $xml.WriteStartElement('command', 'details', $command)
    Element 'command' 'name' $command $cmd.Name
    Element 'command' 'verb' $command $cmd.Verb
    Element 'command' 'noun' $command $cmd.Noun
    Description @($help.Synopsis)
    $xml.WriteEndElement()
    Description $help.Description

    $xml.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmd.ParameterSets) {
        $xml.WriteStartElement('command', 'syntaxItem', $command)
        Element 'maml' 'name' $maml $cmd.Name
        foreach ($sp in $set.Parameters | Where-Object { $common -notcontains $_.Name }) {
            $xml.WriteStartElement('command', 'parameter', $command)
            $xml.WriteAttributeString('required', "$($sp.IsMandatory)".ToLowerInvariant())
            $xml.WriteAttributeString('position', $(if ($sp.Position -ge 0) { "$($sp.Position)" } else { 'named' }))
            Element 'maml' 'name' $maml $sp.Name
            if ($sp.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                Element 'command' 'parameterValue' $command (TypeName $sp.ParameterType)
            }
            $xml.WriteEndElement()
        }
        $xml.WriteEndElement()
    }
    $xml.WriteEndElement()

    $xml.WriteStartElement('command', 'parameters', $command)
    foreach ($p in $parameters | Sort-Object Name) {
        $attributes = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $positions = @($attributes | Where-Object { $_.Position -ge 0 } | ForEach-Object Position)
        $xml.WriteStartElement('command', 'parameter', $command)
        $xml.WriteAttributeString('required', "$([bool]($attributes | Where-Object Mandatory))".ToLowerInvariant())
        $xml.WriteAttributeString('globbing', "$([bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))".ToLowerInvariant())
        $xml.WriteAttributeString('pipelineInput', (PipelineText $attributes))
        $xml.WriteAttributeString('position', $(if ($positions.Count -gt 0) { "$($positions[0])" } else { 'named' }))
        $xml.WriteAttributeString('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
        Element 'maml' 'name' $maml $p.Name
        Description @($help.Parameters[$p.Name])
        if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
            Element 'command' 'parameterValue' $command (TypeName $p.ParameterType)
        }
        $xml.WriteStartElement('dev', 'type', $dev); Element 'maml' 'name' $maml (TypeName $p.ParameterType); $xml.WriteEndElement()
        $default = $instance.($p.Name)
        $defaultText = if ($null -eq $default -or ($default -is [array] -and $default.Count -eq 0) -or "$default" -eq '') { 'None' }
                       elseif ($default -is [System.Management.Automation.SwitchParameter]) { 'False' } else { "$default" }
        Element 'dev' 'defaultValue' $dev $defaultText
        $xml.WriteEndElement()
    }
    $xml.WriteEndElement()

    foreach ($section in @(@{ Key = 'Inputs'; Outer = 'inputTypes'; Inner = 'inputType' }, @{ Key = 'Outputs'; Outer = 'returnValues'; Inner = 'returnValue' })) {
        $xml.WriteStartElement('command', $section.Outer, $command)
        foreach ($entry in $help[$section.Key].GetEnumerator()) {
            $xml.WriteStartElement('command', $section.Inner, $command)
            $xml.WriteStartElement('dev', 'type', $dev); Element 'maml' 'name' $maml $entry.Key; $xml.WriteEndElement()
            Description @($entry.Value)
            $xml.WriteEndElement()
        }
        $xml.WriteEndElement()
    }
    if ($help.ContainsKey('Notes')) {
        $xml.WriteStartElement('maml', 'alertSet', $maml); $xml.WriteStartElement('maml', 'alert', $maml)
        Para $help.Notes
        $xml.WriteEndElement(); $xml.WriteEndElement()
    }

    $xml.WriteStartElement('command', 'examples', $command)
    $n = 0
    foreach ($example in $help.Examples) {
        $n++
        $xml.WriteStartElement('command', 'example', $command)
        Element 'maml' 'title' $maml "-------------------------- Example $n --------------------------"
        Element 'dev' 'code' $dev $example.Code
        $xml.WriteStartElement('dev', 'remarks', $dev); Para $example.Remarks; $xml.WriteEndElement()
        $xml.WriteEndElement()
    }
    $xml.WriteEndElement()

    $xml.WriteStartElement('command', 'relatedLinks', $command)
    foreach ($link in @('about_Rvm') + @(Get-Command -Module Rvm | Where-Object Name -ne $cmd.Name | ForEach-Object Name)) {
        $xml.WriteStartElement('maml', 'navigationLink', $maml); Element 'maml' 'linkText' $maml $link; $xml.WriteEndElement()
    }
    $xml.WriteEndElement()
    $xml.WriteEndElement()
}
$xml.WriteEndElement()
$xml.Close()
Write-Host "Help for $(@(Get-Command -Module Rvm).Count) cmdlets written to $OutputPath"

<#
.SYNOPSIS
    Converts the videos that are new in a folder with Rvm; made to run unattended from cron or Task Scheduler.
.DESCRIPTION
    Each run converts every video in -InputFolder whose outputs are not yet in -Destination
    (Convert-RvmVideo -SkipExisting, so a second run converts nothing), appends one line per input to
    -LogPath (time, result, input, frames, fps or the error), and exits 1 when any input failed, 0 otherwise,
    so the scheduler sees failures. An input that fails leaves no partial output and is tried again next run.
    Two runs at once are prevented by a lock file beside the log.
.EXAMPLE
    # cron, every ten minutes:
    */10 * * * * pwsh -NonInteractive -File /opt/rvm/Convert-NewVideos.ps1 -InputFolder /srv/in -Destination /srv/out -LogPath /var/log/rvm.log
.EXAMPLE
    # Windows Task Scheduler, every ten minutes:
    schtasks /Create /SC MINUTE /MO 10 /TN RvmNewVideos /TR "pwsh -NonInteractive -File C:\rvm\Convert-NewVideos.ps1 -InputFolder D:\in -Destination D:\out"
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $InputFolder,
    [Parameter(Mandatory)] [string] $Destination,
    # Default: rvm.log in -Destination.
    [string] $LogPath,
    [string[]] $Include = @('*.mp4', '*.mov', '*.mkv', '*.avi', '*.webm', '*.m4v'),
    # What Convert-RvmVideo makes of each input.
    [ValidateSet('Composition', 'Alpha', 'Foreground')]
    [string[]] $Output = @('Composition', 'Alpha'),
    [string] $Background = 'Green',
    # The Rvm module: its name when installed, or the path of its Rvm.psd1.
    [string] $Module = 'Rvm'
)

$ErrorActionPreference = 'Stop'
if (-not $LogPath) { $LogPath = Join-Path $Destination 'rvm.log' }
New-Item -ItemType Directory -Force -Path $Destination, (Split-Path -Parent ([IO.Path]::GetFullPath($LogPath))) | Out-Null

function Write-Log([string] $Result, [string] $Text) {
    $line = '{0:yyyy-MM-ddTHH:mm:ssK} {1,-9} {2}' -f (Get-Date), $Result, $Text
    Add-Content -LiteralPath $LogPath -Value $line -Encoding utf8
}

# One run at a time: a scheduler that starts the next run before this one ends must not convert twice.
$lockPath = "$LogPath.lock"
try { $lock = [IO.File]::Open($lockPath, 'OpenOrCreate', 'ReadWrite', 'None') }
catch [IO.IOException] {
    Write-Log 'busy' "another run holds '$lockPath'; nothing done"
    exit 0
}

$failed = 0
try {
    Import-Module $Module
    $inputs = @(Get-ChildItem -LiteralPath $InputFolder -File | Where-Object {
        $name = $_.Name
        @($Include | Where-Object { $name -like $_ }).Count -gt 0
    } | Sort-Object Name)
    $results = @($inputs | Convert-RvmVideo -Destination $Destination -Output $Output -Background $Background -SkipExisting `
        -ErrorAction SilentlyContinue -ErrorVariable errors)
    foreach ($r in $results) {
        Write-Log 'converted' ('{0} ({1} frames, {2:0.0} fps) -> {3}' -f $r.Input, $r.FrameCount, $r.FramesPerSecond, ((@($r.CompositionPath, $r.AlphaPath, $r.ForegroundPath) -ne $null) -join ', '))
    }
    foreach ($e in $errors) {
        $failed++
        Write-Log 'failed' ('{0}: {1}' -f $e.TargetObject, $e.Exception.Message)
    }
    $skipped = $inputs.Count - $results.Count - $errors.Count
    Write-Log 'summary' ('{0} converted, {1} failed, {2} already done' -f $results.Count, $errors.Count, [math]::Max(0, $skipped))
}
catch {
    $failed++
    Write-Log 'failed' "the run stopped: $($_.Exception.Message)"
}
finally {
    $lock.Dispose()
    Remove-Item -LiteralPath $lockPath -ErrorAction SilentlyContinue
}
exit ([int]($failed -gt 0))

<#
.SYNOPSIS
    Converts the videos that are new in a folder with Rvm; made to run unattended from cron or Task Scheduler.
.DESCRIPTION
    Each run converts every video in -InputFolder whose outputs are not yet in -Destination
    (Convert-RvmVideo -SkipExisting, so a second run converts nothing), appends one line per input to
    -LogPath (time, result, input, frames, fps or the error), and exits 1 when any input failed, 0 otherwise,
    so the scheduler sees failures. An input that fails leaves no partial output.
    An input that fails because of its own content (damaged, not a video: error category InvalidData) is
    remembered in .rvm-failed.json in -Destination, by path, size, last-write time, -ErrorTolerance and reason.
    Later runs skip it, logged as "failed before, unchanged" and not counted as a failure, until the file
    changes (a new copy, a finished upload) or -ErrorTolerance does. Any other failure (a destination that
    cannot be written, say) is tried again next run. Delete .rvm-failed.json to retry everything.
    Two runs at once are prevented by a lock file beside the log.
.EXAMPLE
    # cron, every ten minutes:
    */10 * * * * pwsh -NonInteractive -File /opt/rvm/Convert-NewVideos.ps1 -InputFolder /srv/in -Destination /srv/out -LogPath /var/log/rvm.log
.EXAMPLE
    # Windows Task Scheduler, every ten minutes, as your own account (it sees your model cache and your ffmpeg):
    schtasks /Create /SC MINUTE /MO 10 /TN RvmNewVideos /TR "pwsh -NonInteractive -File C:\rvm\Convert-NewVideos.ps1 -InputFolder D:\in -Destination D:\out"
.EXAMPLE
    # As SYSTEM (runs logged off): SYSTEM sees neither your %LOCALAPPDATA%\Rvm nor a per-user ffmpeg, so give both
    # machine-wide, once, from an elevated prompt; fill the shared cache once; install the module for all users.
    setx /M RVM_HOME C:\ProgramData\Rvm
    setx /M RVM_FFMPEG_PATH "C:\Program Files\ffmpeg\bin"
    pwsh -Command "$env:RVM_HOME = 'C:\ProgramData\Rvm'; Import-Module Rvm; Import-RvmModel | Out-Null"
    schtasks /Create /RU SYSTEM /SC MINUTE /MO 10 /TN RvmNewVideos /TR "pwsh -NonInteractive -File C:\rvm\Convert-NewVideos.ps1 -InputFolder D:\in -Destination D:\out -LogPath C:\ProgramData\Rvm\rvm.log"
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
    # Strict: a decode error fails the input. Conceal: damaged frames are concealed or left out and logged.
    [ValidateSet('Strict', 'Conceal')]
    [string] $ErrorTolerance = 'Strict',
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

# Inputs that failed because of their own content, so that a damaged file is not converted again and again.
$failedPath = Join-Path $Destination '.rvm-failed.json'
function Read-FailedInputs {
    if (-not (Test-Path -LiteralPath $failedPath)) { return @{} }
    $known = @{}
    # Not @(...): Windows PowerShell's ConvertFrom-Json writes the whole array as one object.
    try { foreach ($f in (Get-Content -Raw -LiteralPath $failedPath -Encoding utf8 | ConvertFrom-Json)) { $known[$f.Path] = $f } }
    catch { Write-Log 'warning' "'$failedPath' could not be read and starts again empty: $($_.Exception.Message)" }
    $known
}
# The same file (size and last-write time, in ticks) read the same way: it would fail again for the same reason.
function Test-Unchanged($Remembered, [IO.FileInfo] $File) {
    $Remembered.Length -eq $File.Length -and $Remembered.LastWriteTicksUtc -eq $File.LastWriteTimeUtc.Ticks -and
        $Remembered.ErrorTolerance -eq $ErrorTolerance
}
function Save-FailedInputs([hashtable] $Known) {
    if ($Known.Count -eq 0) { Remove-Item -LiteralPath $failedPath -ErrorAction SilentlyContinue; return }
    # Written beside and renamed over, so a run stopped half-way leaves the previous list, not half a file.
    $temporary = "$failedPath.tmp"
    ConvertTo-Json -InputObject @($Known.Values | Sort-Object Path) -Depth 3 | Set-Content -LiteralPath $temporary -Encoding utf8
    Move-Item -LiteralPath $temporary -Destination $failedPath -Force
}

$failed = 0
try {
    Import-Module $Module
    $inputs = @(Get-ChildItem -LiteralPath $InputFolder -File | Where-Object {
        $name = $_.Name
        @($Include | Where-Object { $name -like $_ }).Count -gt 0
    } | Sort-Object Name)
    $known = Read-FailedInputs
    $remembered = @{}
    $toConvert = foreach ($file in $inputs) {
        $before = $known[$file.FullName]
        if ($before -and (Test-Unchanged $before $file)) {
            $remembered[$file.FullName] = $before
            Write-Log 'skipped' ('{0}: failed before, unchanged: {1}' -f $file.FullName, $before.Reason)
        }
        else { $file }
    }
    $results = @($toConvert | Convert-RvmVideo -Destination $Destination -Output $Output -Background $Background -SkipExisting `
        -ErrorTolerance $ErrorTolerance -ErrorAction SilentlyContinue -ErrorVariable errors -WarningAction SilentlyContinue -WarningVariable warnings)
    foreach ($w in $warnings) { Write-Log 'warning' $w.Message }
    foreach ($r in $results) {
        $damaged = if ($r.DamagedFrames) { ", $($r.DamagedFrames) damaged" } else { '' }
        Write-Log 'converted' ('{0} ({1} frames{2}, {3:0.0} fps) -> {4}' -f $r.Input, $r.FrameCount, $damaged, $r.FramesPerSecond, ((@($r.CompositionPath, $r.AlphaPath, $r.ForegroundPath) -ne $null) -join ', '))
    }
    foreach ($e in $errors) {
        $failed++
        Write-Log 'failed' ('{0}: {1}' -f $e.TargetObject, $e.Exception.Message)
        $file = Get-Item -LiteralPath "$($e.TargetObject)" -ErrorAction SilentlyContinue
        if ($file -and $e.CategoryInfo.Category -eq 'InvalidData') {
            $remembered[$file.FullName] = [pscustomobject]@{
                Path = $file.FullName; Length = $file.Length; LastWriteTicksUtc = $file.LastWriteTimeUtc.Ticks
                ErrorTolerance = $ErrorTolerance; Reason = $e.Exception.Message
            }
        }
    }
    # Only what failed this run or was skipped unchanged stays: a file converted, changed or gone is forgotten.
    Save-FailedInputs $remembered
    $skipped = @($toConvert).Count - $results.Count - $errors.Count
    $failedBefore = $inputs.Count - @($toConvert).Count
    $failedBeforeText = if ($failedBefore) { ", $failedBefore failed before" } else { '' }
    Write-Log 'summary' ('{0} converted, {1} failed, {2} already done{3}' -f $results.Count, $errors.Count, [math]::Max(0, $skipped), $failedBeforeText)
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

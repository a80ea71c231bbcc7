# Rvm module manifest. ModuleVersion here is the single source of the version: build.ps1 passes it to the
# compiler and writes the built module's manifest (out/Rvm/Rvm.psd1) from this file.
@{
    # The built module, whole (Test-ModuleManifest refuses a manifest as RootModule): its cmdlets come from the
    # built folder, so help (en-US), formats and native libraries are found there whichever manifest is imported.
    # In the built manifest this line becomes RootModule = the DLL (build.ps1).
    NestedModules        = @('out/Rvm/Rvm.psd1')
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f4a55-8f0e-4d1c-9a54-6c7e2f3d9a61'
    Author               = 'Rvm developers'
    CompanyName          = 'Rvm'
    Copyright            = '(c) Rvm developers. Module code MIT; RVM network weights GPL-3.0 (Peter Lin et al.).'
    Description          = 'Robust Video Matting (RVM) for PowerShell: alpha mattes, clean foregrounds and composites of people in pictures and videos, with the RVM network running in ONNX Runtime.'
    # 7.5 (.NET 9) at least: on 7.4 (.NET 8) the engine's System.Text.Json 9.0 cannot load (build.ps1 LoadTest).
    PowerShellVersion    = '7.5'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('out/Rvm/Rvm.format.ps1xml')
    CmdletsToExport      = @('Import-RvmModel', 'Invoke-RvmFrame', 'Save-RvmFrame', 'Convert-RvmVideo', 'Get-RvmVideoFrame', 'New-RvmBatch', 'Start-RvmBatch', 'Invoke-RvmBatchTask', 'Get-RvmBatch', 'New-RvmPreview')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('video', 'matting', 'background-removal', 'onnx', 'rvm', 'ffmpeg', 'Linux', 'Windows')
            LicenseUri   = 'https://www.gnu.org/licenses/gpl-3.0.html'
            ProjectUri   = 'https://github.com/PeterL1n/RobustVideoMatting'
            ReleaseNotes = 'Foundation: Import-RvmModel, Invoke-RvmFrame, Save-RvmFrame.'
        }
    }
}

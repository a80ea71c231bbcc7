@{
    Synopsis    = 'Writes a preview sheet of a conversion''s outputs: frames spread over the video, input | matte | composition.'
    Description = @(
        'New-RvmPreview writes <input name>.preview.png, a contact sheet to check a conversion by eye: -Frames frames spread evenly over the video (the middle of equal parts, exact frames, not the nearest key frames), one row each, with the input, the matte and the composition side by side and the frame number and time above them. A transparent composition is shown over a checkerboard; without an alpha output, the matte is taken from a transparent composition''s alpha, and an opaque composition alone gives rows of input | composition. The sheet is at most 1920 pixels wide (tiles never larger than the video), and is written whole or not at all.'
        'The outputs are -AlphaPath and -CompositionPath when given (or bound from a piped Convert-RvmVideo result); otherwise <input name>.alpha.<ext> and <input name>.composition.<ext> (mp4, mov, webm, mkv) are looked for in -Destination or beside the input, as Convert-RvmVideo names them. A missing output is an error naming the file, and the next input goes on. Convert-RvmVideo -Preview writes the same sheet after each conversion.'
    )
    Parameters  = @{
        Path            = 'Input videos (wildcards allowed).'
        LiteralPath     = 'Input videos, taken literally. Binds FullName from Get-ChildItem and Input from a Convert-RvmVideo result.'
        AlphaPath       = 'The alpha matte video. Binds by property name from a Convert-RvmVideo result.'
        CompositionPath = 'The composition video. Binds by property name from a Convert-RvmVideo result.'
        Destination     = 'The folder of the outputs looked for and of the sheet; default: outputs beside the input, the sheet beside the first output.'
        Frames          = 'Frames (rows) on the sheet, 1 to 48; default 6. A shorter video shows every frame.'
        Force           = 'Replaces an existing sheet; without it an existing sheet is an error (ResourceExists) and is kept.'
    }
    Inputs      = @{
        'System.String' = 'Paths of input videos, by value.'
        'Rvm.Matting.RvmConversionResult' = 'A Convert-RvmVideo result: Input, AlphaPath and CompositionPath bind by property name.'
    }
    Outputs     = @{ 'System.IO.FileInfo' = 'The sheet written.' }
    Examples    = @(
        @{ Code = 'New-RvmPreview talk.mp4'; Remarks = 'Writes talk.preview.png from talk.alpha.* and talk.composition.* beside talk.mp4.' }
        @{ Code = 'Convert-RvmVideo talk.mp4 -Output Composition, Alpha | New-RvmPreview -Frames 10 -Force'; Remarks = 'Converts, then writes a sheet of ten frames from the result.' }
        @{ Code = 'Get-ChildItem /night/in/*.mp4 | New-RvmPreview -Destination /night/out'; Remarks = 'Sheets for a night''s outputs in /night/out, to check by eye.' }
    )
}

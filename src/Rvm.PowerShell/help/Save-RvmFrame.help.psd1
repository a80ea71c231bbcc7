@{
    Synopsis    = 'Writes RVM frame results as PNG files: matte, foreground and composition.'
    Description = @(
        'Save-RvmFrame writes each RvmFrameResult it receives as PNG files and emits the files it wrote: the alpha matte as a grey PNG (-AlphaPath), the foreground colours as an RGB PNG (-ForegroundPath), and a composition (-CompositionPath): the foreground over a colour, fgr*alpha + background*(1-alpha), or with -Background Transparent an RGBA PNG with straight (unpremultiplied) alpha, or with -Background Blur over the frame''s own background, blurred.'
        'Files are written under a temporary name and renamed when complete, so a failure never leaves half a picture. Existing files are kept unless -Force is given.'
        'The path parameters bind by property name, so a script block can name each frame''s file, for example -AlphaPath { ''matte/{0:D4}.png'' -f $_.Index }. Otherwise a path is taken literally.'
    )
    Parameters  = @{
        InputObject     = 'The frame results to save, from Invoke-RvmFrame.'
        AlphaPath       = 'Where to write the alpha matte (8-bit grey PNG).'
        ForegroundPath  = 'Where to write the foreground colours (8-bit RGB PNG).'
        CompositionPath = 'Where to write the composition over -Background.'
        Background      = 'The composition''s background: a colour name (RvmGreen, Black, White, Gray, Red, Green, Blue, ChromaGreen, ChromaBlue, Magenta, Yellow, Cyan), ''#rrggbb'', ''r,g,b'', or Transparent for an RGBA PNG. The default is RVM''s green, 120,255,155. Blur: the frame''s own background, blurred behind the person, as Convert-RvmVideo -Background Blur makes it (-BlurRadius).'
        BlurRadius      = 'How strongly -Background Blur blurs, in pixels: close to a Gaussian of sigma N. 1 to 500; default the frame''s height / 54 (20 at 1080p). Given without -Background Blur it is an error.'
        Force           = 'Overwrites existing files.'
        MatteGrow       = 'Grows the matte by this many pixels before it is saved (the maximum over a square of side 2N+1); negative shrinks it. The alpha and the composition use the adjusted matte. -500 to 500; default 0. The same engine code as Convert-RvmVideo -MatteGrow.'
        MatteFeather    = 'Softens the matte''s edge: three box blurs of this radius, close to a Gaussian of sigma N+0.5. 0 to 500; default 0.'
        MatteThreshold  = 'Two alphas lo,hi (0 <= lo < hi <= 1): alpha at or below lo becomes 0, at or above hi 1, linear between.'
        TemporalSmoothing = 'Smooths the matte over consecutive frames, 0 (off) up to below 1, with Convert-RvmVideo''s formula. It carries from one result to the next only while their indices follow each other and the size stays; a single picture, or the first frame of a run, is not changed by it.'
    }
    Inputs      = @{ 'Rvm.Inference.RvmFrameResult' = 'Frame results, by value.' }
    Outputs     = @{ 'System.IO.FileInfo' = 'The files written.' }
    Examples    = @(
        @{ Code = 'Invoke-RvmFrame portrait.jpg | Save-RvmFrame -CompositionPath cutout.png -Background Transparent'; Remarks = 'Cuts the person out of a photo into a transparent PNG.' }
        @{ Code = 'Get-ChildItem frames/*.png | Invoke-RvmFrame | Save-RvmFrame -AlphaPath { "matte/{0:D4}.png" -f $_.Index } -CompositionPath { "comp/{0:D4}.png" -f $_.Index } -Background White'; Remarks = 'Writes a numbered matte and a composition over white for every frame of a sequence.' }
        @{ Code = 'Invoke-RvmFrame portrait.jpg | Save-RvmFrame -CompositionPath cutout.png -Background Transparent -MatteGrow -2 -MatteFeather 2'; Remarks = 'Pulls the matte in by 2 pixels and softens its edge before cutting out.' }
        @{ Code = 'Invoke-RvmFrame portrait.jpg | Save-RvmFrame -CompositionPath portrait-blurred.png -Background Blur'; Remarks = 'Keeps the photo''s background but blurs it behind the person.' }
        @{ Code = '$result | Save-RvmFrame -AlphaPath alpha.png -ForegroundPath fgr.png -Force -WhatIf'; Remarks = 'Shows what would be written, without writing.' }
    )
}

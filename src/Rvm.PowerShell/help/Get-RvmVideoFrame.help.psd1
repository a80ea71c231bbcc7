@{
    Synopsis    = 'Streams a video''s frames as objects for Invoke-RvmFrame.'
    Description = @(
        'Get-RvmVideoFrame decodes a video with ffmpeg and emits one RgbFrame per frame, in order: Index, Timestamp, Width, Height and Pixels (RGB bytes, rows top to bottom). Rotation metadata is applied. Frames are decoded as the pipeline asks for them, so a long video never sits in memory, and stopping early (Select-Object -First) ends ffmpeg.'
        'Pipe the frames into Invoke-RvmFrame for loops written by hand; Convert-RvmVideo does the whole job faster.'
    )
    Parameters  = @{
        Path        = 'Videos to read. Wildcards are expanded; strings from the pipeline bind here.'
        LiteralPath = 'Videos to read, taken exactly as written. Objects from Get-ChildItem bind here through PSPath or FullName.'
        InputResize = 'Width and height the frames are scaled to, e.g. -InputResize 640,360.'
    }
    Inputs      = @{ 'System.String' = 'Video paths, by value (Path) or by the property PSPath, FullName or LiteralPath.' }
    Outputs     = @{ 'Rvm.Imaging.RgbFrame' = 'One frame object per video frame.' }
    Examples    = @(
        @{ Code = 'Get-RvmVideoFrame clip.mp4 | Select-Object -First 10 | Invoke-RvmFrame | Save-RvmFrame -AlphaPath { "matte_{0:D4}.png" -f $_.Index }'; Remarks = 'Mattes the first ten frames of a video by hand, with the recurrent state carried.' }
        @{ Code = 'Get-RvmVideoFrame clip.mp4 -InputResize 640,360 | Measure-Object'; Remarks = 'Counts a video''s frames.' }
    )
}

@{
    Synopsis    = 'Runs pictures through the RVM network and returns their alpha matte and foreground.'
    Description = @(
        'Invoke-RvmFrame takes pictures in pipeline order (files in any format ffmpeg reads, or frame objects) and emits one RvmFrameResult per input: Index, Width, Height, Alpha (float[Height*Width], row-major, in [0,1]), Foreground (float[Height*Width*3], RGB interleaved, in [0,1]), State and DownsampleRatio.'
        'RVM is recurrent: the state left by each frame feeds the next, inside one pipeline. A frame of another size or ratio than the one before starts from a fresh state (with a Verbose line). Every result exposes .State, and -State starts from one, for loops written by hand.'
        'Use Save-RvmFrame to write the results as PNG files.'
    )
    Parameters  = @{
        Path            = 'Pictures to process. Wildcards are expanded; strings from the pipeline bind here.'
        LiteralPath     = 'Pictures to process, taken exactly as written (no wildcards). Objects from Get-ChildItem bind here through their PSPath or FullName property.'
        InputObject     = 'Frames made by the engine ([Rvm.Imaging.RgbFrame]: width, height, RGB bytes), for example from a video reader.'
        Model           = 'The model to use (from Import-RvmModel). Without it, the default model is imported once per session.'
        DownsampleRatio = 'The fraction of the frame size at which the network''s first stage works, from 0.01 to 1. Without it, RVM''s own rule applies: min(512 / max(height, width), 1). Lower is faster and coarser.'
        State           = 'A recurrent state to start from, taken from an earlier result''s State property.'
    }
    Inputs      = @{
        'System.String'          = 'Picture paths, by value (Path) or by the property PSPath, FullName or LiteralPath.'
        'Rvm.Imaging.RgbFrame'   = 'Frames, by value (InputObject).'
    }
    Outputs     = @{ 'Rvm.Inference.RvmFrameResult' = 'One result per input picture, in input order.' }
    Notes       = 'A picture that cannot be read is a non-terminating error naming the file; the pipeline goes on with the next one.'
    Examples    = @(
        @{ Code = 'Get-ChildItem frames/*.png | Sort-Object Name | Invoke-RvmFrame -DownsampleRatio 0.375'; Remarks = 'Processes a sequence of frames with the default model, carrying the recurrent state from frame to frame.' }
        @{ Code = 'Invoke-RvmFrame -LiteralPath ''shots/take [1].png'' -Model $model | Format-List'; Remarks = 'Processes one picture whose name holds wildcard characters, and shows the result''s details.' }
        @{ Code = "`$first = Get-ChildItem part1/*.png | Invoke-RvmFrame -Model `$model`n`$rest = Get-ChildItem part2/*.png | Invoke-RvmFrame -Model `$model -State `$first[-1].State"; Remarks = 'Continues a sequence in a second pipeline from the state the first one ended with.' }
    )
}

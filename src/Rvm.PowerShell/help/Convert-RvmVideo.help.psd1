@{
    Synopsis    = 'Converts videos (or folders of pictures) to their composition, alpha matte and foreground.'
    Description = @(
        'Convert-RvmVideo runs every frame of each input through the RVM network, carrying the recurrent state from frame to frame, and writes the outputs asked for with -Output: Composition (the person over -Background), Alpha (the matte) and Foreground (the person''s colours). Outputs are video files (-OutputType Video, codec by extension: .mp4 H.264, .mov ProRes, .webm VP9, .mkv FFV1 lossless) or folders of PNGs numbered from 0000 (-OutputType PngSequence).'
        'Inputs are any file ffmpeg reads as video, or folders of pictures taken in natural order (2.png before 10.png) at -FrameRate. Each output frame has its input frame''s timestamp: the frame count, rate (rational or variable) and duration follow the input, and rotation metadata is applied. The input''s audio is kept in every video output, copied where the container takes its codec and transcoded otherwise.'
        'Outputs are named <input name>.composition.<ext>, <input name>.alpha.<ext> and <input name>.foreground.<ext> (or folders <input name>.<output>) in -Destination, by default beside the input; -CompositionPath, -AlphaPath and -ForegroundPath name them for a single input. Outputs are written under temporary names and appear only when all of them are complete: a failure or Ctrl+C leaves no partial file and no ffmpeg process.'
        'Every output records the input it was made from (in the video''s comment tag, or a hidden .rvm-output file among the PNGs). Existing outputs of the same input are kept unless -Force; -SkipExisting skips inputs whose outputs all exist and were made from them, so a scheduled job can be run again and again. Rvm never replaces a file or folder it did not make, nor (under names it derives) another input''s output, even with -Force; two inputs of one run never write one name (take.mp4 and take.mov: the second is an error naming the first), and a name another live run is writing is an error (ResourceBusy). Rvm''s own outputs given as inputs are skipped with a Verbose line, so reruns over a folder never convert outputs again. A failing input is a non-terminating error naming the file and the reason, and the next input still converts.'
        'A run stopped by Ctrl+C or SIGTERM (systemd, Slurm''s scancel, Kubernetes, kill) removes its temporaries and ffmpeg processes before it ends; what a run killed with SIGKILL left is removed by the next run that writes into the same folder, never while its run is alive.'
    )
    Parameters  = @{
        Path            = 'Videos or folders of pictures to convert. Wildcards are expanded; strings from the pipeline bind here.'
        LiteralPath     = 'Videos or folders of pictures, taken exactly as written. Objects from Get-ChildItem bind here through PSPath or FullName.'
        Destination     = 'The folder the outputs are written to. By default each output goes beside its input.'
        Output          = 'Which outputs to make: any of Composition (default), Alpha and Foreground.'
        OutputType      = 'Video (default) for video files, or PngSequence for folders of PNG pictures (RGBA with straight alpha for a transparent composition, grey for the matte).'
        Container       = 'The video format of outputs named under -Destination: Mp4 (H.264; the default), Mov (ProRes 422 HQ, or ProRes 4444 with alpha), Webm (VP9), Mkv (FFV1, lossless). A transparent composition defaults to Mov.'
        CompositionPath = 'The composition''s file (or folder for a PNG sequence), for a single input. The extension picks the format.'
        AlphaPath       = 'The matte''s file (or folder), for a single input. A matte keeps 0 at 0 and 255 at 255; .mkv (FFV1) and PNG keep it exactly.'
        ForegroundPath  = 'The foreground''s file (or folder), for a single input.'
        Background      = 'What the composition goes over: a colour (a name such as White or ChromaGreen, ''#rrggbb'' or ''r,g,b''; default RVM''s green 120,255,155), a picture (scaled to cover the frame), a video (looped, or cut to the input''s length), or Transparent (needs .mov, .webm, .mkv or PNG; .mp4 is refused before any work starts).'
        DownsampleRatio = 'The fraction of the frame size at which the network''s first stage works, in (0, 1]. By default RVM''s rule: min(512 / max(height, width), 1).'
        InputResize     = 'Width and height the input is scaled to before anything else, e.g. -InputResize 1280,720.'
        FrameRate       = 'The frame rate of a folder of pictures, e.g. 25 or 30000/1001 (default 30). Videos keep their own timing.'
        VideoBitrate    = 'Video bitrate in megabits per second (RVM''s output_video_mbps). By default each codec''s quality setting (-Quality) is used instead.'
        Quality         = 'Codec quality when no bitrate is given: CRF for H.264 (default 18) and VP9 (default 30); lower is better and larger.'
        Model           = 'The model to use (from Import-RvmModel). By default the default model is imported once and serves the whole pipeline.'
        Device          = 'The device for the default model when -Model is not given: Auto (default), Cpu, Cuda or TensorRT.'
        HardwareVideo   = 'Decodes on an NVIDIA GPU (-hwaccel cuda, on the model''s -DeviceId) and encodes colour .mp4 outputs with NVENC on the same GPU, where this machine''s ffmpeg can at the output''s size (H.264 NVENC stops at 4096 pixels a side); otherwise the CPU codecs are used and -Verbose says why. -Verbose names the outputs NVENC encodes. The matte stays on x264 to keep its full range. If NVENC fails to open during a run (a GeForce card''s limit on concurrent sessions under -Parallel), that input fails with an error naming -HardwareVideo.'
        Force           = 'Replaces this input''s earlier outputs (with -CompositionPath, -AlphaPath or -ForegroundPath, any output Rvm made). Never replaces what Rvm did not make. The old outputs stay until every new one is in place.'
        SkipExisting    = 'Skips inputs whose outputs all exist and were made from them (reruns of a scheduled job). Outputs only ever exist complete. An output made from another input with the same name is an error, not a skip.'
        IncludeRvmOutput = 'Converts inputs that are themselves Rvm''s outputs (recognised by the tag Rvm writes into them); without it they are skipped with a Verbose line.'
        ErrorTolerance  = 'What a decode error in a video file does (a picture folder''s pictures are always read strictly). Strict (default): it fails the input, naming the file and the error. Conceal: ffmpeg conceals what it can and leaves out the frames it cannot decode; the conversion goes on, a warning names the damaged frames (index and time), the frames that remain keep their timestamps, and the result''s DamagedFrames counts them.'
    }
    Inputs      = @{ 'System.String' = 'Paths of videos or folders, by value (Path) or by the property PSPath, FullName or LiteralPath.' }
    Outputs     = @{ 'Rvm.Matting.RvmConversionResult' = 'One result per converted input: Input, CompositionPath, AlphaPath, ForegroundPath (null when not made), FrameCount, DamagedFrames, Width, Height, FrameRate, Duration, Elapsed, FramesPerSecond, Device.' }
    Notes       = 'Progress is shown per file (frame n of N, frames per second, time left) under one bar for the whole pipeline. ffmpeg and ffprobe must be installed.'
    Examples    = @(
        @{ Code = 'Get-ChildItem *.mp4 | Convert-RvmVideo'; Remarks = 'Writes <name>.composition.mp4 over RVM''s green beside every video in the folder.' }
        @{ Code = 'Convert-RvmVideo interview.mov -Output Composition, Alpha, Foreground -Destination out -Container Mkv'; Remarks = 'Writes the composition, the matte and the foreground as lossless FFV1 .mkv files in out/.' }
        @{ Code = 'Convert-RvmVideo talk.mp4 -Background Transparent -CompositionPath talk.webm'; Remarks = 'Writes the person on a transparent background as VP9 with alpha, with the input''s audio.' }
        @{ Code = 'Convert-RvmVideo talk.mp4 -Background beach.jpg -CompositionPath talk-beach.mp4 -VideoBitrate 8'; Remarks = 'Puts the person in front of a picture, at 8 Mbps.' }
        @{ Code = 'Convert-RvmVideo ./frames -OutputType PngSequence -Output Alpha -FrameRate 25'; Remarks = 'Turns a folder of pictures into a folder of PNG mattes (frames.alpha/0000.png, ...).' }
        @{ Code = 'Convert-RvmVideo old-tape.avi -ErrorTolerance Conceal -WarningVariable damage'; Remarks = 'Converts a damaged video as far as ffmpeg can decode it; $damage holds the warnings naming the damaged frames, and the result''s DamagedFrames counts them.' }
        @{ Code = 'Get-ChildItem \\server\incoming\*.mp4 | Convert-RvmVideo -Destination \\server\matted -SkipExisting -ErrorAction Continue'; Remarks = 'A scheduled job: converts what is new, skips what was done before, and goes on past a bad file.' }
    )
}

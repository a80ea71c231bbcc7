@{
    Synopsis    = 'Plans a batch of videos once, into a job folder that Slurm or Kubernetes workers run.'
    Description = @(
        'New-RvmBatch plans each input as Convert-RvmVideo would convert it (the same output names under -Destination, the same checks: the input is probed, outputs that exist are checked, the memory estimate is made) and writes plan.json in the job folder: one task per input, with the outputs, the settings, the model''s identity (variant, precision, source, SHA-256), the module''s path and version, and the PowerShell command that started this session, so every worker runs the same plan with the same module.'
        'A bad input found while planning is a non-terminating error naming it and becomes no task. Inputs that are Rvm''s own outputs are left out, as Convert-RvmVideo skips them. The job folder and -Destination must be on storage every worker sees at the same path.'
        'Start-RvmBatch runs the batch; Get-RvmBatch says where it stands. They chain: New-RvmBatch ... | Start-RvmBatch -Engine Slurm | Get-RvmBatch -Wait.'
    )
    Parameters  = @{
        Path             = 'Videos or folders of pictures to convert. Wildcards are expanded; strings from the pipeline bind here.'
        LiteralPath      = 'Videos or folders of pictures, taken exactly as written. Objects from Get-ChildItem bind here through PSPath or FullName.'
        Destination      = 'The folder the outputs are written to, on storage every worker sees at the same path. Required.'
        JobFolder        = 'The job folder (plan.json, results/, the engines'' files and logs). Default: a new folder rvm-batch-<UTC time> under -Destination. A folder that holds a batch already is refused.'
        Output           = 'Which outputs to make: any of Composition (default), Alpha and Foreground, as Convert-RvmVideo.'
        OutputType       = 'Video (default) or PngSequence, as Convert-RvmVideo.'
        Container        = 'The video format of the outputs: Mp4 (default; Mov for a transparent composition), Mov, Webm, Mkv (FFV1, lossless).'
        OutputName       = 'Names of the outputs without the extension, as Convert-RvmVideo -OutputName: {0} the input''s base name, {1} the output kind, e.g. ''{0}_{1}''; default ''{0}.{1}''. The names are fixed in the batch''s plan when it is made.'
        Background       = 'What the composition goes over: a colour, ''Transparent'', ''Blur'' (the input''s own background, blurred), or a picture or video file (on the shared storage), as Convert-RvmVideo.'
        BlurRadius       = 'The radius of -Background Blur in output pixels, as Convert-RvmVideo -BlurRadius (default the output''s height / 54); recorded in the plan.'
        DownsampleRatio  = 'The network''s downsample ratio, 0.01 to 1; by default RVM''s rule, as Convert-RvmVideo.'
        InputResize      = 'Width and height the inputs are scaled to first, e.g. -InputResize 1280,720.'
        FrameRate        = 'The frame rate of folders of pictures (default 30).'
        VideoBitrate     = 'Video bitrate in megabits per second; by default each codec''s quality setting.'
        Quality          = 'Codec quality when no bitrate is given: CRF for H.264 (default 18) and VP9 (default 30).'
        Model            = 'The model (from Import-RvmModel) whose identity the workers check: the default model is found in each worker''s cache, a model imported from a file by that file''s path.'
        Device           = 'The device the workers load the default model on: Auto (default), Cpu, Cuda or TensorRT.'
        HardwareVideo    = 'Workers decode on the GPU and encode colour .mp4 with NVENC where their ffmpeg can, as Convert-RvmVideo -HardwareVideo.'
        ErrorTolerance   = 'Strict (default): a decode error fails the task. Conceal: damaged frames are concealed or left out.'
        SegmentLength   = 'The longest stretch of video one task converts, as a time (00:10:00, or New-TimeSpan -Minutes 10). A longer video becomes a task per part (each with -PreRoll frames before its start to warm its state, resumable from its checkpoints) and one more task that joins the parts into the outputs once they are all done: on Slurm a job that depends on them (--dependency=afterok), on Kubernetes the last part to finish, under a lock in the job folder. Default: one task per video.'
        CheckpointFrames = 'Frames between checkpoints. A video longer than this is written in chunks to a hidden work folder beside its outputs (.<hash>.rvm-work), with a checkpoint (the recurrent state, about 3 MB at 1080p) after each chunk; the same conversion run again after a stop (Ctrl+C, SIGTERM, SIGKILL, a reboot, a full disk) resumes at the last checkpoint, says so with -Verbose, and writes mattes identical to an uninterrupted run. The chunks are joined by stream copy at the end, the audio muxed once, and the outputs appear at their names together. Default: about 30 s of the video (900 frames at 30 fps); 0 turns checkpoints off.'
        Segments        = 'Converts one video as this many parts at once, each with its own recurrent state and the CPU threads divided among them, joined at the end exactly as a sequential run would be timed. Each part after the first starts -PreRoll frames early to warm its state; the mattes near a part''s start differ slightly from a sequential run (README, "Parallel segments", has the measured error).'
        PreRoll         = 'Frames each segment after the first runs before its start, only to warm its recurrent state (their outputs are dropped). Default: the smallest value measured to keep the error under Rvm''s target (README).'
        MatteGrow        = 'Grows (negative: shrinks) every task''s matte by this many pixels, as Convert-RvmVideo -MatteGrow; recorded in the plan.'
        MatteFeather     = 'Softens every task''s matte edge, as Convert-RvmVideo -MatteFeather; recorded in the plan.'
        Preview          = 'Each task writes <input name>.preview.png beside its outputs once they are done (a video cut by -SegmentLength: its join task), as Convert-RvmVideo -Preview; Get-RvmBatch lists them in Previews. A sheet that fails is a warning, and the task still succeeds. Recorded in the plan.'
        PreviewFrames    = 'Frames (rows) on each task''s -Preview sheet, 1 to 48; default 6.'
        MatteThreshold   = 'lo,hi: clips every task''s alpha, as Convert-RvmVideo -MatteThreshold; recorded in the plan.'
        TemporalSmoothing = 'Smooths every task''s matte over time, as Convert-RvmVideo -TemporalSmoothing; each task (and each part of a video cut by -SegmentLength) starts afresh.'
        MaxMemory        = 'The most memory, in bytes, one task may need; an input estimated above it is refused while planning.'
        Force            = 'Tasks replace their inputs'' earlier outputs, as Convert-RvmVideo -Force. Without it, outputs made from the same input before are kept and the task skips.'
        IncludeRvmOutput = 'Inputs that are Rvm''s own outputs become tasks too; without it they are left out with a Verbose line.'
    }
    Inputs      = @{ 'System.String' = 'Paths of videos or folders, by value (Path) or by the property PSPath, FullName or LiteralPath.' }
    Outputs     = @{ 'Rvm.Batch.RvmBatch' = 'The batch: Id, JobFolder, Count (tasks), Destination, Engine and EngineJobId (empty until started).' }
    Examples    = @(
        @{ Code = 'Get-ChildItem /shared/in/*.mp4 | New-RvmBatch -Destination /shared/out -Output Composition, Alpha | Start-RvmBatch -Engine Slurm -Throttle 8 | Get-RvmBatch -Wait'; Remarks = 'Plans every video, runs eight at a time on Slurm, and waits with a progress bar for the status.' }
        @{ Code = 'New-RvmBatch /shared/in/*.mov -Destination /shared/out -JobFolder /shared/jobs/tapes -Container Mkv'; Remarks = 'Writes the plan into a job folder of your choosing, for Start-RvmBatch later.' }
        @{ Code = 'Get-ChildItem /shared/in/*.mp4 | New-RvmBatch -Destination /shared/out -Output Composition, Alpha -Preview | Start-RvmBatch -Engine Slurm | Get-RvmBatch -Wait | ForEach-Object Previews'; Remarks = 'Converts a folder on the cluster and lists a preview sheet per video, to check the night''s work by eye.' }
        @{ Code = 'New-RvmBatch /shared/in/interview.mp4 -Destination /shared/out -Output Alpha -SegmentLength 00:10:00 | Start-RvmBatch -Engine Slurm -Throttle 12 | Get-RvmBatch -Wait'; Remarks = 'Cuts a two-hour interview into twelve 10-minute part tasks that run at once, and a join task that Slurm starts when all have succeeded.' }
    )
}

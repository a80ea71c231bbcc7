using Rvm.Media;

namespace Rvm.Matting;

/// <summary>One input and the outputs to make of it. Paths are final, absolute file-system paths.</summary>
public sealed class ConversionRequest
{
    /// <summary>A video file, or a folder of pictures.</summary>
    public string Input { get; set; } = "";
    /// <summary>A video file (format by extension), or with <see cref="PngSequence"/> a folder; null when not made.</summary>
    public string? CompositionPath { get; set; }
    public string? AlphaPath { get; set; }
    public string? ForegroundPath { get; set; }
    /// <summary>Outputs are folders of PNGs instead of videos.</summary>
    public bool PngSequence { get; set; }
    public Background Background { get; set; } = Background.Default;
    /// <summary>The radius of -Background Blur in pixels of the output; null: <see cref="BackgroundBlur.DefaultRadius"/> for its height.</summary>
    public int? BlurRadius { get; set; }
    /// <summary>Null: RVM's rule min(512 / max(h, w), 1).</summary>
    public float? DownsampleRatio { get; set; }
    /// <summary>Scale the input to this size first (0 = as it is).</summary>
    public int ResizeWidth { get; set; }
    public int ResizeHeight { get; set; }
    /// <summary>Frame rate given to a folder of pictures.</summary>
    public Rational ImageSequenceFrameRate { get; set; } = new Rational(30, 1);
    /// <summary>Video bitrate in Mbps; null uses each codec's quality setting.</summary>
    public double? VideoBitrateMbps { get; set; }
    /// <summary>Codec quality (CRF for H.264 and VP9); null: a good default.</summary>
    public int? Quality { get; set; }
    /// <summary>Decode with the GPU (-hwaccel cuda) and encode H.264 with NVENC where ffmpeg can; CPU codecs otherwise.</summary>
    public bool HardwareVideo { get; set; }
    /// <summary>Strict: a decode error fails the input. Conceal: damaged frames are concealed or left out, with warnings.</summary>
    public DecodeErrorTolerance ErrorTolerance { get; set; }
    /// <summary>Refuse the conversion when its estimated peak memory (this process and ffmpeg) is above this; null: half of this machine's memory.</summary>
    public long? MaxMemoryBytes { get; set; }
    /// <summary>Frames between checkpoints, from which a stopped conversion resumes; null: about 30 s of the video; 0: none.</summary>
    public int? CheckpointFrames { get; set; }
    /// <summary>Parts of the video converted at once (each with its own recurrent state); 1: one sequence, as RVM runs.</summary>
    public int Segments { get; set; } = 1;
    /// <summary>Frames a part after the first runs before its start, only to warm its state; null: Rvm's measured default.</summary>
    public int? PreRollFrames { get; set; }
    /// <summary>A batch's longest task: a longer video is cut into parts of at most this length, converted as tasks of their own and joined by one more; null: one task.</summary>
    public System.TimeSpan? SegmentLength { get; set; }
    /// <summary>Threshold, grow or shrink, feather and temporal smoothing of the alpha; defaults: the network's alpha.</summary>
    public MatteControls Matte { get; set; } = new MatteControls();
}

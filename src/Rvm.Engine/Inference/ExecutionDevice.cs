namespace Rvm.Inference;

/// <summary>Where the network runs. Auto takes CUDA when its provider loads and runs, else the CPU. TensorRT is experimental.</summary>
public enum ExecutionDevice
{
    Auto,
    Cpu,
    Cuda,
    TensorRT,
}

/// <summary>How to build an ONNX Runtime session for a model.</summary>
public sealed class SessionSettings
{
    public ExecutionDevice Device { get; set; } = ExecutionDevice.Auto;
    public int DeviceId { get; set; }
    /// <summary>Let CUDA use TF32 for fp32 convolutions and matrix products: faster on Ampere and later, results move by about 1e-3.</summary>
    public bool AllowTf32 { get; set; }
    /// <summary>Threads for one operator (ONNX Runtime intra-op threads); 0 lets ONNX Runtime choose.</summary>
    public int ThreadCount { get; set; }

    // Tuning knobs, measured by the benchmark; the defaults are the fastest found here.

    /// <summary>ONNX Runtime graph optimisation: 0 none, 1 basic, 2 extended, 3 all (default).</summary>
    public int GraphOptimization { get; set; } = 3;
    /// <summary>Let idle ONNX Runtime threads spin (default off: they would take CPU from ffmpeg and the other stages).</summary>
    public bool AllowSpinning { get; set; }
    /// <summary>
    /// ONNX Runtime's memory pattern planning. Off by default: the same speed at 1080p, and at 4K faster with a
    /// much lower peak (1.24 against 1.82 GB measured here), since it plans one block for every tensor at once.
    /// </summary>
    public bool MemoryPattern { get; set; }
    /// <summary>ONNX Runtime's CPU memory arena.</summary>
    public bool CpuArena { get; set; } = true;
}

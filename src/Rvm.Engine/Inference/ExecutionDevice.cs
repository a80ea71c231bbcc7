namespace Rvm.Inference;

/// <summary>Where the network runs. Auto takes CUDA when its provider loads, else the CPU.</summary>
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
    /// <summary>Threads for one operator (ONNX Runtime intra-op threads); 0 lets ONNX Runtime choose.</summary>
    public int ThreadCount { get; set; }
}

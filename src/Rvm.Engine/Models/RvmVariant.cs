namespace Rvm.Models;

/// <summary>The RVM backbone.</summary>
public enum RvmVariant
{
    MobileNetV3,
    ResNet50,
}

/// <summary>The numeric precision of the network's weights and tensors.</summary>
public enum RvmPrecision
{
    Fp32,
    Fp16,
    /// <summary>
    /// int8 convolutions (QDQ, weights per output channel, activations calibrated on clips shipped with the module), on
    /// the CPU only: MobileNetV3 from RVM's TensorFlow.js export, where the video path below ratio 1 runs it; the whole
    /// graph (ratio 1, Invoke-RvmFrame) stays fp32.
    /// </summary>
    Int8,
}

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
}

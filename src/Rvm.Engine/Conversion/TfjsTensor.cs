using System;

namespace Rvm.Conversion;

/// <summary>A decoded TFJS weight: its shape and its values as float, int or bool.</summary>
internal sealed class TfjsTensor
{
    public TfjsTensor(string name, string dtype, int[] shape, Array values)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Values = values;
    }

    public string Name { get; }
    /// <summary>TFJS dtype after dequantisation: float32, int32 or bool.</summary>
    public string DType { get; }
    public int[] Shape { get; }
    public Array Values { get; }

    public float[] Floats => Values as float[] ?? throw new InvalidOperationException($"Weight '{Name}' is {DType}, not float32.");
    public int[] Ints => Values as int[] ?? throw new InvalidOperationException($"Weight '{Name}' is {DType}, not int32.");
}

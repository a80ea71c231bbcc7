using System;
using Microsoft.ML.OnnxRuntime;

namespace Rvm.Inference;

/// <summary>
/// One frame's fast guided filter coefficients at the network's resolution: A and b, [1,4,h,w] each (channels R,
/// G, B, alpha), bound as the coefficient model's outputs so ONNX Runtime writes straight into them.
/// </summary>
internal sealed class CoefficientFrame : IDisposable
{
    internal CoefficientFrame(int lowWidth, int lowHeight)
    {
        LowWidth = lowWidth;
        LowHeight = lowHeight;
        var shape = new long[] { 1, 4, lowHeight, lowWidth };
        A = new float[4 * lowWidth * lowHeight];
        B = new float[4 * lowWidth * lowHeight];
        AValue = OrtValue.CreateTensorValueFromMemory(A, shape);
        BValue = OrtValue.CreateTensorValueFromMemory(B, shape);
    }

    public int LowWidth { get; }
    public int LowHeight { get; }
    internal float[] A { get; }
    internal float[] B { get; }
    internal OrtValue AValue { get; }
    internal OrtValue BValue { get; }

    public void Dispose()
    {
        AValue.Dispose();
        BValue.Dispose();
    }
}

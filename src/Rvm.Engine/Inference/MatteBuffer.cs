using System;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Rvm.Inference;

/// <summary>One frame's network outputs as planes: foreground R, G, B then alpha, each Width*Height floats in [0,1].</summary>
internal sealed class MatteBuffer : IDisposable
{
    private readonly Float16[]? _fgr16;
    private readonly Float16[]? _pha16;

    internal MatteBuffer(int width, int height, bool fp16)
    {
        int plane = width * height;
        Foreground = new float[3 * plane];
        Alpha = new float[plane];
        if (fp16)
        {
            _fgr16 = new Float16[3 * plane];
            _pha16 = new Float16[plane];
            ForegroundValue = OrtValue.CreateTensorValueFromMemory(_fgr16, new long[] { 1, 3, height, width });
            AlphaValue = OrtValue.CreateTensorValueFromMemory(_pha16, new long[] { 1, 1, height, width });
        }
        else
        {
            ForegroundValue = OrtValue.CreateTensorValueFromMemory(Foreground, new long[] { 1, 3, height, width });
            AlphaValue = OrtValue.CreateTensorValueFromMemory(Alpha, new long[] { 1, 1, height, width });
        }
    }

    /// <summary>Planar R, G, B.</summary>
    public float[] Foreground { get; }
    public float[] Alpha { get; }
    internal OrtValue ForegroundValue { get; }
    internal OrtValue AlphaValue { get; }

    internal bool IsFp16 => _fgr16 != null;

    /// <summary>Band <paramref name="index"/> of <paramref name="bands"/> of the fp16 outputs, widened to the float planes.</summary>
    internal void WidenBand(int index, int bands)
    {
        int plane = Alpha.Length;
        int start = (int)((long)plane * index / bands), length = (int)((long)plane * (index + 1) / bands) - start;
        for (int c = 0; c < 3; c++)
            Fp16Tables.ToFloat(_fgr16.AsSpan(c * plane + start, length), Foreground.AsSpan(c * plane + start, length));
        Fp16Tables.ToFloat(_pha16.AsSpan(start, length), Alpha.AsSpan(start, length));
    }

    public void Dispose()
    {
        ForegroundValue.Dispose();
        AlphaValue.Dispose();
    }
}

using System;

namespace Rvm.Inference;

/// <summary>
/// The network's memory between frames (r1..r4), for one frame size and ratio. Immutable: each frame's
/// result carries a new state, so a hand-written loop can keep, reuse or branch from any of them.
/// </summary>
public sealed class RecurrentState
{
    private static readonly long[] InitialShape = { 1, 1, 1, 1 };

    internal RecurrentState(int width, int height, float ratio, float[][] tensors, long[][] shapes)
    {
        Width = width;
        Height = height;
        DownsampleRatio = ratio;
        Tensors = tensors;
        Shapes = shapes;
    }

    /// <summary>The state before the first frame: zeros of shape [1,1,1,1], which the network broadcasts.</summary>
    public static RecurrentState Initial { get; } = new RecurrentState(0, 0, 0,
        new[] { new float[1], new float[1], new float[1], new float[1] },
        new[] { InitialShape, InitialShape, InitialShape, InitialShape });

    /// <summary>The frame size this state belongs to; 0 for the initial state.</summary>
    public int Width { get; }
    public int Height { get; }
    public float DownsampleRatio { get; }
    public bool IsInitial => Width == 0;

    internal float[][] Tensors { get; }
    internal long[][] Shapes { get; }

    /// <summary>Shapes as text, e.g. "1x16x72x128", for display and diagnostics.</summary>
    public string[] ShapeText => Array.ConvertAll(Shapes, s => string.Join("x", s));

    /// <summary>Whether this state can carry on into a frame of this size and ratio.</summary>
    public bool Fits(int width, int height, float ratio) => IsInitial || (Width == width && Height == height && DownsampleRatio == ratio);

    public override string ToString() => IsInitial ? "Initial" : $"{Width}x{Height} @ {DownsampleRatio}";
}

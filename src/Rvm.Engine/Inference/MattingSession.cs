using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Rvm.Imaging;

namespace Rvm.Inference;

/// <summary>
/// One recurrent sequence on a model (a video): fixed frame size and ratio, every tensor allocated once. The input
/// frame is written into one pinned buffer; outputs go straight into the caller's <see cref="MatteBuffer"/>s
/// through an I/O binding; the states ping-pong between two sets, frame n's outputs bound as frame n+1's inputs,
/// so nothing is allocated or copied per frame in the steady state. On a GPU the states live on the device
/// and only fgr and pha come back.
/// </summary>
public sealed class MattingSession : IDisposable
{
    private readonly RvmModel _model;
    private readonly float[] _src;
    private readonly Float16[]? _src16;
    private readonly OrtValue _srcValue;
    private readonly OrtValue _ratioValue;
    private readonly OrtValue[] _initialStates;
    private readonly OrtIoBinding _binding;
    private readonly List<IDisposable> _owned = new List<IDisposable>();
    private OrtValue[]? _statesIn;
    private OrtValue[]? _statesOut;
    private readonly RunOptions _runOptions = new RunOptions();

    public MattingSession(RvmModel model, int width, int height, float ratio)
    {
        _model = model;
        Width = width;
        Height = height;
        Ratio = DownsampleRatio.Validate(ratio);
        int plane = width * height;
        var shape = new long[] { 1, 3, height, width };
        _src = new float[3 * plane];
        if (model.IsFp16)
        {
            _src16 = new Float16[3 * plane];
            _srcValue = OrtValue.CreateTensorValueFromMemory(_src16, shape);
        }
        else _srcValue = OrtValue.CreateTensorValueFromMemory(_src, shape);
        _ratioValue = OrtValue.CreateTensorValueFromMemory(new[] { ratio }, new long[] { 1 });
        _initialStates = new OrtValue[4];
        for (int i = 0; i < 4; i++)
            _initialStates[i] = model.IsFp16
                ? OrtValue.CreateTensorValueFromMemory(new Float16[1], new long[] { 1, 1, 1, 1 })
                : OrtValue.CreateTensorValueFromMemory(new float[1], new long[] { 1, 1, 1, 1 });
        _binding = model.Session.CreateIoBinding();
        _binding.BindInput("src", _srcValue);
        _binding.BindInput("downsample_ratio", _ratioValue);
    }

    public int Width { get; }
    public int Height { get; }
    public float Ratio { get; }
    public long FramesRun { get; private set; }

    /// <summary>A buffer for this session's outputs; make as many as may be in flight at once.</summary>
    public MatteBuffer CreateBuffer() => new MatteBuffer(Width, Height, _model.IsFp16);

    /// <summary>Loads a frame given as planes G, B, R (ffmpeg's gbrp), each Width*Height bytes.</summary>
    public void LoadPlanarGbr(byte[] gbrp)
    {
        int plane = Width * Height;
        var src = _src.AsSpan();
        var pixels = gbrp.AsSpan();
        PlanarPixels.ToUnit(pixels.Slice(2 * plane, plane), src.Slice(0, plane));         // R
        PlanarPixels.ToUnit(pixels.Slice(0, plane), src.Slice(plane, plane));             // G
        PlanarPixels.ToUnit(pixels.Slice(plane, plane), src.Slice(2 * plane, plane));     // B
        if (_src16 != null) for (int i = 0; i < _src.Length; i++) _src16[i] = (Float16)_src[i];
    }

    /// <summary>Runs the loaded frame; fgr and pha land in <paramref name="output"/>, the state moves on.</summary>
    public void Run(MatteBuffer output, CancellationToken cancel = default)
    {
        if (_model.IsDisposed) throw new ObjectDisposedException(nameof(RvmModel), "The model was disposed during the conversion.");
        _binding.BindOutput("fgr", output.ForegroundValue);
        _binding.BindOutput("pha", output.AlphaValue);
        var inputs = _statesIn ?? _initialStates;
        for (int i = 0; i < 4; i++) _binding.BindInput(ModelContract.StateInputs[i], inputs[i]);
        if (_statesOut == null)
            foreach (var name in ModelContract.StateOutputs) _binding.BindOutputToDevice(name, _model.StateMemory);
        else
            for (int i = 0; i < 4; i++) _binding.BindOutput(ModelContract.StateOutputs[i], _statesOut[i]);

        using (cancel.Register(() => _runOptions.Terminate = true))
        {
            try
            {
                _model.Session.RunWithBinding(_runOptions, _binding);
            }
            catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
        }
        _binding.SynchronizeBoundOutputs();
        output.FromFp16();

        if (_statesOut == null) AdoptFirstStates();
        else (_statesIn, _statesOut) = (_statesOut, _statesIn);
        FramesRun++;
    }

    /// <summary>
    /// After the first frame the state shapes are known: its outputs become the next inputs, and a second set of
    /// the same shapes is made for the outputs after that. From here on the two sets take turns.
    /// </summary>
    private void AdoptFirstStates()
    {
        var all = _binding.GetOutputValues();
        var names = _binding.GetOutputNames();
        var first = new OrtValue[4];
        for (int i = 0; i < names.Length; i++)
        {
            int state = Array.IndexOf(ModelContract.StateOutputs, names[i]);
            if (state >= 0) first[state] = all[i];
            else all[i].Dispose();
        }
        _statesIn = first;
        _statesOut = new OrtValue[4];
        for (int i = 0; i < 4; i++)
        {
            var shape = first[i].GetTensorTypeAndShape().Shape;
            _statesOut[i] = _model.AllocateState(shape);
        }
        foreach (var v in _statesIn) _owned.Add(v);
        foreach (var v in _statesOut) _owned.Add(v);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _srcValue.Dispose();
        _ratioValue.Dispose();
        foreach (var v in _initialStates) v.Dispose();
        foreach (var v in _owned) v.Dispose();
    }
}

/// <summary>One frame's network outputs as planes: foreground R, G, B then alpha, each Width*Height floats in [0,1].</summary>
public sealed class MatteBuffer : IDisposable
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

    internal void FromFp16()
    {
        if (_fgr16 == null) return;
        for (int i = 0; i < _fgr16.Length; i++) Foreground[i] = (float)_fgr16[i];
        for (int i = 0; i < _pha16!.Length; i++) Alpha[i] = (float)_pha16[i];
    }

    public void Dispose()
    {
        ForegroundValue.Dispose();
        AlphaValue.Dispose();
    }
}

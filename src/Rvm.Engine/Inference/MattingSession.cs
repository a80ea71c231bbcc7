using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Rvm.Imaging;

namespace Rvm.Inference;

/// <summary>
/// One recurrent sequence on a model (a video): fixed frame size and ratio, every tensor allocated once. Outputs
/// go straight into the caller's buffers through an I/O binding; the states ping-pong between two sets, frame n's
/// outputs bound as frame n+1's inputs, so nothing is allocated or copied per frame in the steady state. On a GPU
/// the states live on the device and only fgr and pha come back.
/// Where the model has a coefficient cut (converted TFJS models on the CPU) and the ratio is below 1, no full-size
/// tensor is made at all: the frame is resized here to the network's size, ONNX Runtime runs only at that size
/// and ends at the guided filter's coefficients (<see cref="RunCoefficients"/>), and <see cref="GuidedFilterTail"/>
/// makes the full-size fgr and pha a row at a time, wherever the caller needs them (whole mattes of the cut, which
/// only the benchmark and the fidelity tests want, come from <see cref="Diagnostics.FullMatteSession"/>).
/// <c>src</c> is bound again before every run: on CUDA and TensorRT ONNX Runtime copies a host input to the device
/// when it is bound, so a session that bound it once would matte every frame from the first buffer's contents.
/// </summary>
internal sealed class MattingSession : IDisposable
{
    private readonly RvmModel _model;
    private InferenceSession _session;
    private readonly float[] _src;
    private readonly Float16[]? _src16;
    private readonly OrtValue _srcValue;
    private readonly string _srcName;
    private readonly OrtValue? _ratioValue;
    private readonly OrtValue[] _initialStates;
    private IFrameBinding _binding;
    private readonly Func<InferenceSession, IFrameBinding> _bind;
    // The two outputs a run fills (fgr and pha, or the coefficients) and where, bound again if the session changes.
    private readonly string[] _outputNames;
    private OrtValue? _outputA;
    private OrtValue? _outputB;
    private readonly List<IDisposable> _owned = new List<IDisposable>();
    // The states the next run reads (the first run's outputs, a device set, a restored or snapshot state), the
    // set the next run writes, and the two sets that take turns once the shapes are known.
    private OrtValue[]? _statesIn;
    private OrtValue[]? _statesOut;
    private OrtValue[]? _setA, _setB;
    private readonly RunOptions _runOptions = new RunOptions();
    // The coefficient cut: the resize's column table.
    private readonly (int[] Lower, int[] Upper, float[] Weight) _columns;
    private Threading.BandRunner? _runner;
    // fp16: the frame being loaded and the buffer being filled, for the conversion bands.
    private byte[]? _loading;
    private MatteBuffer? _widening;
    private Action<int>? _loadHalfBand;
    private Action<int>? _widenBand;

    public MattingSession(RvmModel model, int width, int height, float ratio)
        : this(model, width, height, ratio, session => new OrtFrameBinding(session))
    {
    }

    /// <summary>A session on a given binding: tests pass one that copies inputs when they are bound, as a GPU does.</summary>
    internal MattingSession(RvmModel model, int width, int height, float ratio, Func<InferenceSession, IFrameBinding> bind)
    {
        _model = model;
        Width = width;
        Height = height;
        Ratio = DownsampleRatio.Validate(ratio);
        var cut = ratio < 1f ? model.CoefficientSession : null;
        _session = cut ?? model.Session;
        _bind = bind;
        _binding = bind(_session);
        _outputNames = cut != null ? Conversion.TfjsToOnnxConverter.CoefficientOutputs : new[] { ModelContract.Foreground, ModelContract.Alpha };
        if (cut != null)
        {
            LowWidth = Bilinear.ScaledSize(width, ratio);
            LowHeight = Bilinear.ScaledSize(height, ratio);
            (CoefficientWidth, CoefficientHeight) = model.CoefficientSize(LowWidth, LowHeight);
            Tail = new GuidedFilterTail(width, height, CoefficientWidth, CoefficientHeight);
            _columns = Bilinear.Columns(LowWidth, width);
            _src = new float[3 * LowWidth * LowHeight];
            _srcValue = OrtValue.CreateTensorValueFromMemory(_src, new long[] { 1, 3, LowHeight, LowWidth });
            _srcName = Conversion.TfjsToOnnxConverter.SmallSourceInput;
        }
        else
        {
            var shape = new long[] { 1, 3, height, width };
            if (model.IsFp16)
            {
                // Filled straight from the frame's bytes by table: no float copy of the frame is needed.
                _src = Array.Empty<float>();
                _src16 = new Float16[3 * width * height];
                _srcValue = OrtValue.CreateTensorValueFromMemory(_src16, shape);
            }
            else
            {
                _src = new float[3 * width * height];
                _srcValue = OrtValue.CreateTensorValueFromMemory(_src, shape);
            }
            _srcName = ModelContract.Source;
            // The ratio never changes during a session, so its one copy at bind time stays right.
            _ratioValue = OrtValue.CreateTensorValueFromMemory(new[] { ratio }, new long[] { 1 });
            _binding.BindInput(ModelContract.Ratio, _ratioValue);
        }
        _initialStates = new OrtValue[4];
        for (int i = 0; i < 4; i++)
            _initialStates[i] = model.IsFp16
                ? OrtValue.CreateTensorValueFromMemory(new Float16[1], new long[] { 1, 1, 1, 1 })
                : OrtValue.CreateTensorValueFromMemory(new float[1], new long[] { 1, 1, 1, 1 });
    }

    public int Width { get; }
    public int Height { get; }
    public float Ratio { get; }
    public long FramesRun { get; private set; }

    /// <summary>True when this session runs the coefficient cut: <see cref="RunCoefficients"/> and <see cref="Tail"/> apply.</summary>
    public bool HasCoefficientCut => Tail != null;
    /// <summary>The network's resolution in the coefficient cut.</summary>
    public int LowWidth { get; }
    public int LowHeight { get; }
    /// <summary>The coefficients' resolution: the network's less the box filter's border.</summary>
    public int CoefficientWidth { get; }
    public int CoefficientHeight { get; }
    /// <summary>Makes full-size rows from a frame and its coefficients (coefficient cut only).</summary>
    internal GuidedFilterTail? Tail { get; }

    /// <summary>A buffer for this session's full-size outputs; make as many as may be in flight at once.</summary>
    public MatteBuffer CreateBuffer() => new MatteBuffer(Width, Height, _model.IsFp16);

    /// <summary>A buffer for one frame's coefficients (coefficient cut only).</summary>
    public CoefficientFrame CreateCoefficientFrame() =>
        HasCoefficientCut ? new CoefficientFrame(CoefficientWidth, CoefficientHeight) : throw new InvalidOperationException("This session has no coefficient cut.");

    /// <summary>
    /// Loads a frame given as planes G, B, R (ffmpeg's gbrp), each Width*Height bytes. In the coefficient cut the
    /// frame is resized here, and the guided filter's tail reads it again: keep it unchanged until then.
    /// </summary>
    public void LoadPlanarGbr(byte[] gbrp)
    {
        int plane = Width * Height;
        if (gbrp.Length < 3 * plane) throw new ArgumentException($"A {Width}x{Height} frame needs {3 * plane} bytes.", nameof(gbrp));
        if (HasCoefficientCut)
        {
            Bilinear.DownsamplePlanarGbr(gbrp, Width, Height, _src, LowWidth, LowHeight, _columns.Lower, _columns.Upper, _columns.Weight);
            return;
        }
        if (_src16 != null)
        {
            _loading = gbrp;
            try { Runner.Run(_loadHalfBand ??= LoadHalfBand); }
            finally { _loading = null; }
            return;
        }
        var src = _src.AsSpan();
        var pixels = gbrp.AsSpan();
        PlanarPixels.ToUnit(pixels.Slice(2 * plane, plane), src.Slice(0, plane));         // R
        PlanarPixels.ToUnit(pixels.Slice(0, plane), src.Slice(plane, plane));             // G
        PlanarPixels.ToUnit(pixels.Slice(plane, plane), src.Slice(2 * plane, plane));     // B
    }

    /// <summary>Row bands on every core for the per-pixel work around the network (fp16 conversions, the matte tail).</summary>
    private Threading.BandRunner Runner => _runner ??= new Threading.BandRunner(Math.Min(_model.ThreadCount, Height), "Rvm matte");

    /// <summary>One band of every plane: the bytes G, B, R to the network's R, G, B in fp16.</summary>
    private void LoadHalfBand(int index)
    {
        int plane = Width * Height, bands = Runner.Bands;
        int start = (int)((long)plane * index / bands), length = (int)((long)plane * (index + 1) / bands) - start;
        var pixels = _loading.AsSpan();
        var src = _src16.AsSpan();
        Fp16Tables.ToUnit(pixels.Slice(2 * plane + start, length), src.Slice(start, length));           // R
        Fp16Tables.ToUnit(pixels.Slice(start, length), src.Slice(plane + start, length));               // G
        Fp16Tables.ToUnit(pixels.Slice(plane + start, length), src.Slice(2 * plane + start, length));   // B
    }

    /// <summary>One band of an fp16 run's fgr and pha widened to the buffer's floats.</summary>
    private void WidenBand(int index) => _widening!.WidenBand(index, Runner.Bands);

    /// <summary>
    /// Runs the loaded frame through the whole graph (no coefficient cut); fgr and pha land in <paramref name="output"/>,
    /// the state moves on. With <paramref name="snapshot"/>, the state after this frame is also left there (a checkpoint).
    /// </summary>
    public void Run(MatteBuffer output, CancellationToken cancel = default, StateSnapshot? snapshot = null)
    {
        if (HasCoefficientCut) throw new InvalidOperationException("This session runs the coefficient cut: RunCoefficients, then the guided filter's tail.");
        (_outputA, _outputB) = (output.ForegroundValue, output.AlphaValue);
        Execute(cancel, snapshot);
        if (output.IsFp16)
        {
            _widening = output;
            try { Runner.Run(_widenBand ??= WidenBand); }
            finally { _widening = null; }
        }
    }

    /// <summary>Runs the loaded frame to its guided filter's coefficients only (coefficient cut); the state moves on, and into <paramref name="snapshot"/> if given.</summary>
    public void RunCoefficients(CoefficientFrame output, CancellationToken cancel = default, StateSnapshot? snapshot = null)
    {
        if (!HasCoefficientCut) throw new InvalidOperationException("This session has no coefficient cut.");
        (_outputA, _outputB) = (output.AValue, output.BValue);
        Execute(cancel, snapshot);
    }

    /// <summary>Whether a state exists to snapshot or go on from: after the first frame, or after <see cref="Restore"/>.</summary>
    public bool HasState => _statesIn != null;

    /// <summary>A host buffer of this session's state shapes, for <see cref="Run"/>'s and <see cref="RunCoefficients"/>'s snapshots.</summary>
    public StateSnapshot CreateSnapshot()
    {
        if (_statesIn == null) throw new InvalidOperationException("The state's shapes are known after the first frame.");
        var shapes = new long[4][];
        for (int i = 0; i < 4; i++) shapes[i] = _statesIn[i].GetTensorTypeAndShape().Shape;
        return new StateSnapshot(shapes, _model.IsFp16);
    }

    /// <summary>Starts this session from a saved state instead of the initial one; keep <paramref name="state"/> alive until the first run has ended.</summary>
    public void Restore(StateSnapshot state)
    {
        if (_statesIn != null || FramesRun != 0) throw new InvalidOperationException("A session is restored before its first frame.");
        if (state.IsFp16 != _model.IsFp16) throw new InvalidDataException("The saved state's precision is not the model's.");
        _statesIn = state.Values;
    }

    private void Execute(CancellationToken cancel, StateSnapshot? snapshot = null)
    {
        if (_model.IsDisposed) throw new ObjectDisposedException(nameof(RvmModel), "The model was disposed during the conversion.");
        if (snapshot != null && _statesIn == null) throw new InvalidOperationException("A snapshot needs the state's shapes, known after the first frame.");
        var inputs = _statesIn ?? _initialStates;
        _binding.BindInput(_srcName, _srcValue);
        _binding.BindOutput(_outputNames[0], _outputA!);
        _binding.BindOutput(_outputNames[1], _outputB!);
        for (int i = 0; i < 4; i++) _binding.BindInput(ModelContract.StateInputs[i], inputs[i]);
        // A snapshot run writes the state to host memory (ONNX Runtime copies it off a GPU); the next run reads it from there.
        var outputs = snapshot?.Values ?? _statesOut;
        if (outputs == null)
            foreach (var name in ModelContract.StateOutputs) _binding.BindOutputToDevice(name, _model.StateMemory);
        else
            for (int i = 0; i < 4; i++) _binding.BindOutput(ModelContract.StateOutputs[i], outputs[i]);

        using (cancel.Register(() => _runOptions.Terminate = true))
        {
            try
            {
                _binding.Run(_runOptions);
            }
            catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
            catch (OnnxRuntimeException e) when (FramesRun == 0 && _model.FirstRunFallback(_session, e.Message) is InferenceSession fallback)
            {
                // TensorRT can fail at the first run of a real frame (RVM's ratio-driven Resize) after passing
                // its warm-up: this sequence, and the model's later ones, go on with CUDA.
                Rebind(fallback);
                Execute(cancel);
                return;
            }
        }

        if (snapshot != null) _statesIn = snapshot.Values;
        else if (_statesOut == null) AdoptFirstStates();
        else
        {
            _statesIn = _statesOut;
            _statesOut = ReferenceEquals(_statesOut, _setA) ? _setB : _setA;
        }
        FramesRun++;
    }

    private void Rebind(InferenceSession session)
    {
        _binding.Dispose();
        _session = session;
        _binding = _bind(session);
        if (_ratioValue != null) _binding.BindInput(ModelContract.Ratio, _ratioValue);
    }

    /// <summary>
    /// After the first frame the state shapes are known: its outputs become the next inputs, and a second set of
    /// the same shapes is made for the outputs after that. From here on the two sets take turns.
    /// </summary>
    private void AdoptFirstStates()
    {
        var first = new OrtValue[4];
        foreach (var output in _binding.TakeOutputs())
        {
            int state = Array.IndexOf(ModelContract.StateOutputs, output.Key);
            if (state >= 0) first[state] = output.Value;
            else output.Value.Dispose();
        }
        _statesIn = _setA = first;
        _statesOut = _setB = new OrtValue[4];
        for (int i = 0; i < 4; i++)
        {
            var shape = first[i].GetTensorTypeAndShape().Shape;
            _setB[i] = _model.AllocateState(shape);
        }
        foreach (var v in _setA) _owned.Add(v);
        foreach (var v in _setB) _owned.Add(v);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _srcValue.Dispose();
        _ratioValue?.Dispose();
        _runner?.Dispose();
        foreach (var v in _initialStates) v.Dispose();
        foreach (var v in _owned) v.Dispose();
    }
}

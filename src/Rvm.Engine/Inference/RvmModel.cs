using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Rvm.Imaging;
using Rvm.Models;

namespace Rvm.Inference;

/// <summary>
/// A loaded RVM network: one ONNX Runtime session on one device, safe to share between pipelines and
/// threads (each caller carries its own <see cref="RecurrentState"/>). Dispose it to free the session.
/// </summary>
public sealed class RvmModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly bool _fp16;
    private readonly OrtAllocator? _deviceAllocator;
    private readonly Lazy<InferenceSession?> _coefficients;
    private int _disposed;

    private readonly ResolvedModel _resolved;
    private readonly SessionSettings _settings;

    private RvmModel(InferenceSession session, ResolvedModel resolved, string sha256, SessionSettings settings, string device, int threads, bool fp16)
    {
        _session = session;
        _resolved = resolved;
        _settings = settings;
        int deviceId = settings.DeviceId;
        GpuId = deviceId;
        _fp16 = fp16;
        // On a GPU the recurrent state stays in device memory between frames.
        if (device.StartsWith("CPU", StringComparison.Ordinal)) StateMemory = OrtMemoryInfo.DefaultInstance;
        else
        {
            StateMemory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, deviceId, OrtMemType.Default);
            _deviceAllocator = new OrtAllocator(session, StateMemory);
        }
        Variant = resolved.Variant;
        Precision = fp16 ? RvmPrecision.Fp16 : resolved.Precision == RvmPrecision.Int8 ? RvmPrecision.Int8 : RvmPrecision.Fp32;
        Source = resolved.Source;
        Sha256 = sha256;
        SourceSha256 = resolved.SourceSha256.Length > 0 ? resolved.SourceSha256 : sha256;
        Path = resolved.OnnxPath;
        Device = device;
        ThreadCount = threads;
        // Only the CPU gains from the coefficient cut (its memory and speed); GPUs keep the whole graph on the device.
        _coefficients = new Lazy<InferenceSession?>(() => resolved.CoefficientsPath != null && _deviceAllocator == null && !fp16
            ? SessionFactory.Create(File.ReadAllBytes(resolved.CoefficientsPath), CpuCopy(settings), _ => { }, out _)
            : null);
    }

    private static SessionSettings CpuCopy(SessionSettings s) => CopyOn(ExecutionDevice.Cpu, s);

    private static SessionSettings CopyOn(ExecutionDevice device, SessionSettings s) => new SessionSettings
    {
        Device = device,
        DeviceId = s.DeviceId,
        ThreadCount = s.ThreadCount,
        GraphOptimization = s.GraphOptimization,
        AllowSpinning = s.AllowSpinning,
        AllowTf32 = s.AllowTf32,
        MemoryPattern = s.MemoryPattern,
        CpuArena = s.CpuArena,
    };

    public RvmVariant Variant { get; }
    public RvmPrecision Precision { get; }
    public string Source { get; }
    /// <summary>SHA-256 of the ONNX bytes this session was built from (the file at <see cref="Path"/>).</summary>
    public string Sha256 { get; }
    /// <summary>SHA-256 of what the model came from: the same ONNX file, or for a converted TensorFlow.js model its model.json.</summary>
    public string SourceSha256 { get; }
    /// <summary>The ONNX file the session was built from.</summary>
    public string Path { get; }
    /// <summary>The device actually used: CPU, CUDA:n or TensorRT:n.</summary>
    public string Device { get; private set; }
    public int ThreadCount { get; }
    /// <summary>The GPU asked for (-DeviceId): where -HardwareVideo decodes and encodes, whichever device the network runs on.</summary>
    internal int GpuId { get; }
    public bool IsDisposed => _disposed != 0;

    /// <summary>The ONNX Runtime session, for engine code that drives it directly (benchmarks, pipelines).</summary>
    internal InferenceSession Session => _fallback ?? _session;

    private readonly object _fallbackLock = new object();
    private InferenceSession? _fallback;

    /// <summary>
    /// Makes the session (and names the device) that a failed first run of a frame falls back to: CUDA for a
    /// TensorRT model, none otherwise. Tests set their own to drive the fallback on the CPU.
    /// </summary>
    internal Func<(InferenceSession Session, string Device)>? MakeFirstRunFallback { get; set; }

    /// <summary>Why this model left its first device at a first run, or null.</summary>
    internal string? FallbackReason { get; private set; }

    /// <summary>
    /// The session to use after <paramref name="failed"/> failed at a sequence's first run: made once, then shared
    /// by every sequence, and <see cref="Device"/> says it. Null when there is none: the failure stands.
    /// </summary>
    internal InferenceSession? FirstRunFallback(InferenceSession failed, string reason)
    {
        if (failed != _session || MakeFirstRunFallback == null) return null;
        lock (_fallbackLock)
        {
            if (_fallback == null)
            {
                var (session, device) = MakeFirstRunFallback();
                _fallback = session;
                FallbackReason = $"{Device} failed at its first run ({reason.Split('\n')[0].Trim()}); using {device}";
                Device = device;
            }
            return _fallback;
        }
    }

    internal bool IsFp16 => _fp16;

    /// <summary>
    /// The network cut at its guided filter's coefficients (converted TFJS models on the CPU), for ratios below 1:
    /// <see cref="MattingSession"/> then computes the full-resolution tail itself. Null when there is none.
    /// </summary>
    internal InferenceSession? CoefficientSession => _coefficients.Value;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), (int, int)> _coefficientSizes =
        new System.Collections.Concurrent.ConcurrentDictionary<(int, int), (int, int)>();

    /// <summary>
    /// The size of the guided filter's coefficients for a network input of the given size: smaller than it, since
    /// RVM's box filter is a VALID convolution. Found once per size by running the cut on a blank input.
    /// </summary>
    internal (int Width, int Height) CoefficientSize(int width, int height) => _coefficientSizes.GetOrAdd((width, height), key =>
    {
        var session = CoefficientSession ?? throw new InvalidOperationException("This model has no coefficient cut.");
        var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(new float[3 * key.Item1 * key.Item2], new long[] { 1, 3, key.Item2, key.Item1 }) };
        try
        {
            for (int i = 0; i < 4; i++) inputs.Add(OrtValue.CreateTensorValueFromMemory(new float[1], new long[] { 1, 1, 1, 1 }));
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, new[] { Conversion.TfjsToOnnxConverter.SmallSourceInput }.Concat(ModelContract.StateInputs).ToArray(),
                inputs, new[] { Conversion.TfjsToOnnxConverter.CoefficientOutputs[0] });
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            return ((int)shape[3], (int)shape[2]);
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
    });

    /// <summary>Where recurrent states are kept between frames: host memory, or the GPU's.</summary>
    internal OrtMemoryInfo StateMemory { get; }

    /// <summary>A state tensor of this shape where states are kept, for a session's ping-pong pair.</summary>
    internal OrtValue AllocateState(long[] shape)
    {
        var type = _fp16 ? TensorElementType.Float16 : TensorElementType.Float;
        if (_deviceAllocator != null) return OrtValue.CreateAllocatedTensorValue(_deviceAllocator, type, shape);
        long count = 1;
        foreach (var d in shape) count *= d;
        return _fp16
            ? OrtValue.CreateTensorValueFromMemory(new Float16[count], shape)
            : OrtValue.CreateTensorValueFromMemory(new float[count], shape);
    }

    public static RvmModel Load(ResolvedModel resolved, SessionSettings settings, Action<string>? verbose = null)
    {
        verbose ??= _ => { };
        settings = Int8Device(resolved, settings, verbose);
        var bytes = File.ReadAllBytes(resolved.OnnxPath);
        // Hashed as read (17-42 ms for the 15 MB model, measured at load 10 on 2 cores): the bytes verified are the bytes loaded.
        var sha256 = FileHash.Sha256(bytes);
        if (resolved.Sha256.Length > 0 && !string.Equals(sha256, resolved.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"'{resolved.OnnxPath}' changed after it was verified: its SHA-256 is now {sha256}, not {resolved.Sha256}. Import the model again.");
        string device;
        InferenceSession session;
        try
        {
            session = SessionFactory.Create(bytes, settings, verbose, out device,
                ModelCache.Default().PathOf("tensorrt", sha256.Substring(0, 16)), resolved.Precision == RvmPrecision.Fp16);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime could not load '{resolved.OnnxPath}': {e.Message}", e);
        }
        try
        {
            var elementType = ModelContract.Validate(resolved.OnnxPath, session.InputMetadata, session.OutputMetadata);
            int threads = settings.ThreadCount > 0 ? settings.ThreadCount : Environment.ProcessorCount;
            var model = new RvmModel(session, resolved, sha256, settings, device, threads, elementType == TensorElementType.Float16);
            if (device.StartsWith("TensorRT", StringComparison.Ordinal))
                model.MakeFirstRunFallback = () => (SessionFactory.Create(bytes, CopyOn(ExecutionDevice.Cuda, settings), _ => { }, out var cuda), cuda);
            // Built now, not in the first conversion: it is what every video at a ratio below 1 runs on the CPU.
            if (model.CoefficientSession != null) verbose("Coefficient cut loaded: at ratios below 1 the network runs at its own size and Rvm makes the full-size matte.");
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An int8 model runs on the CPU: ONNX Runtime's int8 kernels used here are its CPU ones (MLAS, VNNI), and the int8
    /// cut is the CPU's video path. Auto means the CPU; a GPU asked for by name is an error, not a silent CPU.
    /// </summary>
    private static SessionSettings Int8Device(ResolvedModel resolved, SessionSettings settings, Action<string> verbose)
    {
        CheckDevice(resolved.Precision, settings.Device);
        if (resolved.Precision != RvmPrecision.Int8 || settings.Device == ExecutionDevice.Cpu) return settings;
        verbose("Precision Int8: using the CPU (Device Auto).");
        return CopyOn(ExecutionDevice.Cpu, settings);
    }

    /// <summary>Throws when the precision cannot run on the device asked for (Int8 on a GPU): callers check before resolving, which may quantize.</summary>
    internal static void CheckDevice(RvmPrecision precision, ExecutionDevice device)
    {
        if (precision == RvmPrecision.Int8 && device != ExecutionDevice.Cpu && device != ExecutionDevice.Auto)
            throw new ArgumentException($"-Precision Int8 runs on the CPU only, not on {device}: its int8 kernels are ONNX Runtime's CPU ones. " +
                $"Use -Device Cpu (or Auto), or -Precision Fp32 or Fp16 on {device}.", nameof(device));
    }

    /// <summary>
    /// The same network with its own sessions on <paramref name="threads"/> CPU threads: parallel segments divide the
    /// cores among themselves instead of each asking for all of them. The caller disposes it.
    /// </summary>
    internal RvmModel WithThreadCount(int threads)
    {
        var settings = CopyOn(_settings.Device, _settings);
        settings.ThreadCount = threads;
        return Load(_resolved, settings);
    }

    /// <summary>
    /// Runs one frame. The state must come from the previous frame of the same sequence (or be Initial);
    /// a state of another size or ratio is an error here, the caller decides whether to reset.
    /// </summary>
    public RvmFrameResult Process(RgbFrame frame, float ratio, RecurrentState state, CancellationToken cancel = default)
    {
        if (IsDisposed) throw new ObjectDisposedException(nameof(RvmModel), "This RvmModel has been disposed; import it again.");
        DownsampleRatio.Validate(ratio);
        if (!state.Fits(frame.Width, frame.Height, ratio))
            throw new ArgumentException($"The recurrent state belongs to {state}, not to a {frame.Width}x{frame.Height} frame at ratio {ratio}.", nameof(state));

        int w = frame.Width, h = frame.Height, plane = w * h;
        var src = new float[3 * plane];
        FrameTensors.ToPlanar(frame.Pixels, w, h, src);

        var inputs = new List<OrtValue>();
        try
        {
            inputs.Add(Tensor(src, new long[] { 1, 3, h, w }));
            for (int i = 0; i < 4; i++) inputs.Add(Tensor(state.Tensors[i], state.Shapes[i]));
            inputs.Add(OrtValue.CreateTensorValueFromMemory(new[] { ratio }, new long[] { 1 }));

            using var runOptions = new RunOptions();
            using var registration = cancel.Register(() => runOptions.Terminate = true);
            using var outputs = Session.Run(runOptions, ModelContract.InputNames, inputs, ModelContract.OutputNames);
            cancel.ThrowIfCancellationRequested();

            var fgr = FrameTensors.ToInterleavedClamped(Floats(outputs[0]), 3, plane);
            var pha = FrameTensors.ToInterleavedClamped(Floats(outputs[1]), 1, plane);
            var tensors = new float[4][];
            var shapes = new long[4][];
            for (int i = 0; i < 4; i++)
            {
                tensors[i] = Floats(outputs[2 + i]);
                shapes[i] = outputs[2 + i].GetTensorTypeAndShape().Shape;
            }
            return new RvmFrameResult(frame.Index, w, h, pha, fgr, new RecurrentState(w, h, ratio, tensors, shapes), ratio, frame.Source) { Input = frame };
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
    }

    private OrtValue Tensor(float[] data, long[] shape)
    {
        if (!_fp16) return OrtValue.CreateTensorValueFromMemory(data, shape);
        var half = new Float16[data.Length];
        for (int i = 0; i < data.Length; i++) half[i] = (Float16)data[i];
        return OrtValue.CreateTensorValueFromMemory(half, shape);
    }

    private float[] Floats(OrtValue value)
    {
        if (!_fp16) return value.GetTensorDataAsSpan<float>().ToArray();
        var half = value.GetTensorDataAsSpan<Float16>();
        var result = new float[half.Length];
        Fp16Tables.ToFloat(half, result);
        return result;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _deviceAllocator?.Dispose();
        _session.Dispose();
        _fallback?.Dispose();
        if (_coefficients.IsValueCreated) _coefficients.Value?.Dispose();
    }

    public override string ToString() => $"RVM {Variant} {Precision} on {Device}";
}

using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Rvm.Inference;
using Rvm.Models;
using Rvm.Onnx;
using Xunit;

namespace Rvm.Tests;

/// <summary>
/// The binding protocol of <see cref="MattingSession"/>, on the CPU through a binding that copies each input when it
/// is bound, as ONNX Runtime does for a host input on CUDA and TensorRT. A session that binds src once matted every
/// frame from the buffer as it was at that moment (zeros); these tests fail on it.
/// </summary>
public sealed class BindingProtocolTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryFrameIsMattedFromItsOwnPixelsWhenInputsAreCopiedAtBindTime(bool fp16) => WithPassThroughModel(fp16, model =>
    {
        const int width = 8, height = 4;
        var bindings = new List<CopyAtBindBinding>();
        using var session = new MattingSession(model, width, height, 1f, s =>
        {
            var binding = new CopyAtBindBinding(s);
            bindings.Add(binding);
            return binding;
        });
        using var matte = session.CreateBuffer();
        foreach (byte level in new byte[] { 10, 200, 77 })
        {
            // Planes G, B, R, each its own level, so a channel mix-up shows too.
            var gbrp = new byte[3 * width * height];
            Array.Fill(gbrp, (byte)(level + 1), 0, width * height);
            Array.Fill(gbrp, (byte)(level + 2), width * height, width * height);
            Array.Fill(gbrp, level, 2 * width * height, width * height);
            session.LoadPlanarGbr(gbrp);
            session.Run(matte);
            Assert.All(matte.Foreground.AsSpan(0, width * height).ToArray(), v => Assert.Equal(Unit(level, fp16), v));
            Assert.All(matte.Foreground.AsSpan(width * height, width * height).ToArray(), v => Assert.Equal(Unit((byte)(level + 1), fp16), v));
            Assert.All(matte.Foreground.AsSpan(2 * width * height).ToArray(), v => Assert.Equal(Unit((byte)(level + 2), fp16), v));
            Assert.All(matte.Alpha, v => Assert.Equal(Unit((byte)(level + 2), fp16), v));
        }
        Assert.Single(bindings);
        Assert.Equal(3, session.FramesRun);
    });

    [Fact]
    public void AFailedFirstRunFallsBackToTheModelsNextDeviceAndTheSequenceGoesOn() => WithPassThroughModel(false, model =>
    {
        // As TensorRT does when a real frame meets RVM's Resize after the warm-up: the first run on the first
        // session fails; the model's fallback (CUDA in life, a CPU session here) takes over for this and later sequences.
        model.MakeFirstRunFallback = () => (new InferenceSession(PassThroughModel(false)), "Fallback:0");
        var failing = new List<IFrameBinding>();
        using var session = new MattingSession(model, 8, 4, 1f, s => s == model.Session && failing.Count == 0
            ? Remember(failing, new FailingBinding(s))
            : new CopyAtBindBinding(s));
        using var matte = session.CreateBuffer();
        var original = model.Device;
        foreach (byte level in new byte[] { 40, 90 })
        {
            var gbrp = new byte[3 * 32];
            Array.Fill(gbrp, level);
            session.LoadPlanarGbr(gbrp);
            session.Run(matte);
            Assert.All(matte.Alpha, v => Assert.Equal(Unit(level, false), v));
        }
        Assert.Single(failing);
        Assert.Equal("Fallback:0", model.Device);
        Assert.Contains($"{original} failed at its first run", model.FallbackReason);
        Assert.Contains("using Fallback:0", model.FallbackReason);
        // A later sequence starts on the fallback: no second failure, no second fallback session.
        using var next = new MattingSession(model, 8, 4, 1f, s => new CopyAtBindBinding(s));
        next.LoadPlanarGbr(new byte[96]);
        next.Run(matte);
        Assert.Equal(1, next.FramesRun);
    });

    [Fact]
    public void AFailureWithoutAFallbackOrAfterTheFirstFrameStands() => WithPassThroughModel(false, model =>
    {
        using (var session = new MattingSession(model, 8, 4, 1f, s => new FailingBinding(s)))
        using (var matte = session.CreateBuffer())
        {
            session.LoadPlanarGbr(new byte[96]);
            Assert.Throws<OnnxRuntimeException>(() => session.Run(matte));
        }
        model.MakeFirstRunFallback = () => throw new InvalidOperationException("no fallback after the first frame");
        int runs = 0;
        using (var session = new MattingSession(model, 8, 4, 1f, s => new FailingBinding(s, succeed: 1)))
        using (var matte = session.CreateBuffer())
        {
            session.LoadPlanarGbr(new byte[96]);
            session.Run(matte);
            runs++;
            Assert.Throws<OnnxRuntimeException>(() => session.Run(matte));
        }
        Assert.Equal(1, runs);
        Assert.Null(model.FallbackReason);
    });

    private static IFrameBinding Remember(List<IFrameBinding> list, IFrameBinding binding)
    {
        list.Add(binding);
        return binding;
    }

    [Fact]
    public void TheFp16TablesGiveExactlyTheScalarConversions()
    {
        var bytes = new byte[256];
        for (int b = 0; b < 256; b++) bytes[b] = (byte)b;
        var unit = new float[256];
        Imaging.PlanarPixels.ToUnit(bytes, unit);
        var half = new Float16[256];
        Fp16Tables.ToUnit(bytes, half);
        for (int b = 0; b < 256; b++) Assert.Equal(((Float16)unit[b]).value, half[b].value);

        var all = new Float16[65536];
        for (int bits = 0; bits < all.Length; bits++) all[bits] = new Float16((ushort)bits);
        var widened = new float[all.Length];
        Fp16Tables.ToFloat(all, widened);
        for (int bits = 0; bits < all.Length; bits++)
            Assert.Equal(BitConverter.SingleToInt32Bits((float)all[bits]), BitConverter.SingleToInt32Bits(widened[bits]));
    }

    private static float Unit(byte level, bool fp16)
    {
        float value = level * (1f / 255f);
        return fp16 ? (float)(Float16)value : value;
    }

    /// <summary>
    /// An RVM-shaped model that passes the frame through: fgr = src, pha = the largest channel, each state out = its
    /// state in. Enough to see which pixels a run was given.
    /// </summary>
    internal static byte[] PassThroughModel(bool fp16)
    {
        var type = fp16 ? OnnxDataType.Float16 : OnnxDataType.Float;
        var graph = new OnnxGraph("pass-through");
        graph.Inputs.Add(new OnnxValueInfo("src", type, new object[] { 1L, 3L, "h", "w" }));
        graph.Nodes.Add(new OnnxNode("Identity", "fgr", new[] { "src" }, new[] { "fgr" }, Array.Empty<OnnxAttribute>()));
        graph.Nodes.Add(new OnnxNode("ReduceMax", "pha", new[] { "src" }, new[] { "pha" }, new[] { OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1) }));
        graph.Outputs.Add(new OnnxValueInfo("fgr", type, new object[] { 1L, 3L, "h", "w" }));
        graph.Outputs.Add(new OnnxValueInfo("pha", type, new object[] { 1L, 1L, "h", "w" }));
        for (int i = 0; i < 4; i++)
        {
            graph.Inputs.Add(new OnnxValueInfo(ModelContract.StateInputs[i], type, new object[] { 1L, $"c{i}", $"h{i}", $"w{i}" }));
            graph.Nodes.Add(new OnnxNode("Identity", $"state{i}", new[] { ModelContract.StateInputs[i] }, new[] { ModelContract.StateOutputs[i] }, Array.Empty<OnnxAttribute>()));
            graph.Outputs.Add(new OnnxValueInfo(ModelContract.StateOutputs[i], type, new object[] { 1L, $"c{i}", $"h{i}", $"w{i}" }));
        }
        graph.Inputs.Add(new OnnxValueInfo("downsample_ratio", OnnxDataType.Float, new object[] { 1L }));
        return new OnnxModel(graph).ToBytes();
    }

    internal static void WithPassThroughModel(bool fp16, Action<RvmModel> use)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pass-through-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, PassThroughModel(fp16));
        try
        {
            using var model = RvmModel.Load(new ResolvedModel(path, "test", "", RvmVariant.MobileNetV3, fp16 ? RvmPrecision.Fp16 : RvmPrecision.Fp32),
                new SessionSettings { Device = ExecutionDevice.Cpu, ThreadCount = 2 });
            use(model);
        }
        finally { File.Delete(path); }
    }

    /// <summary>A real binding whose runs fail after <c>succeed</c> good ones, with ONNX Runtime's own exception.</summary>
    private sealed class FailingBinding : IFrameBinding
    {
        private readonly OrtFrameBinding _inner;
        private int _succeed;

        public FailingBinding(InferenceSession session, int succeed = 0)
        {
            _inner = new OrtFrameBinding(session);
            _succeed = succeed;
        }

        public void BindInput(string name, OrtValue value) => _inner.BindInput(name, value);
        public void BindOutput(string name, OrtValue value) => _inner.BindOutput(name, value);
        public void BindOutputToDevice(string name, OrtMemoryInfo memory) => _inner.BindOutputToDevice(name, memory);
        public IReadOnlyList<KeyValuePair<string, OrtValue>> TakeOutputs() => _inner.TakeOutputs();
        public void Dispose() => _inner.Dispose();

        public void Run(RunOptions options)
        {
            if (_succeed-- > 0) { _inner.Run(options); return; }
            try
            {
                using var broken = new InferenceSession(new byte[] { 1, 2, 3 });
            }
            catch (OnnxRuntimeException e)
            {
                throw e;
            }
            throw new InvalidOperationException("ONNX Runtime accepted a three-byte model.");
        }
    }

    /// <summary>A real binding whose inputs are copied when bound, as they are to a GPU: later changes to the host buffer are not seen.</summary>
    private sealed class CopyAtBindBinding : IFrameBinding
    {
        private readonly OrtFrameBinding _inner;
        private readonly List<OrtValue> _copies = new List<OrtValue>();

        public CopyAtBindBinding(InferenceSession session) => _inner = new OrtFrameBinding(session);

        public void BindInput(string name, OrtValue value)
        {
            var info = value.GetTensorTypeAndShape();
            var copy = info.ElementDataType == TensorElementType.Float16
                ? OrtValue.CreateTensorValueFromMemory(value.GetTensorDataAsSpan<Float16>().ToArray(), info.Shape)
                : OrtValue.CreateTensorValueFromMemory(value.GetTensorDataAsSpan<float>().ToArray(), info.Shape);
            _copies.Add(copy);
            _inner.BindInput(name, copy);
        }

        public void BindOutput(string name, OrtValue value) => _inner.BindOutput(name, value);
        public void BindOutputToDevice(string name, OrtMemoryInfo memory) => _inner.BindOutputToDevice(name, memory);
        public void Run(RunOptions options) => _inner.Run(options);
        public IReadOnlyList<KeyValuePair<string, OrtValue>> TakeOutputs() => _inner.TakeOutputs();

        public void Dispose()
        {
            _inner.Dispose();
            foreach (var copy in _copies) copy.Dispose();
        }
    }
}

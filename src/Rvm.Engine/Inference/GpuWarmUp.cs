using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Rvm.Inference;

/// <summary>
/// One small run of a new GPU session before it is handed out. ONNX Runtime loads cuDNN and cuBLAS and builds
/// TensorRT engines at the first Run, not when the session is made, so without this a missing cuDNN or a driver
/// that cannot run the kernels would fail at frame 1 instead of falling back at import with its reason.
/// </summary>
internal static class GpuWarmUp
{
    /// <summary>The frame size of the warm-up where the model leaves it open: small, and a multiple of RVM's stride.</summary>
    public const int Size = 64;

    /// <summary>Makes a session and runs it once; on failure returns null with the reason, the session disposed.</summary>
    public static InferenceSession? TryCreate(Func<InferenceSession> create, out string? reason)
    {
        InferenceSession? session = null;
        try
        {
            session = create();
        }
        catch (Exception e) when (e is OnnxRuntimeException || e is DllNotFoundException || e is EntryPointNotFoundException)
        {
            reason = FirstLine(e.Message);
            return null;
        }
        try
        {
            Run(session);
            reason = null;
            return session;
        }
        catch (Exception e) when (e is OnnxRuntimeException || e is DllNotFoundException || e is EntryPointNotFoundException)
        {
            session.Dispose();
            reason = "the session was made but its first run failed: " + FirstLine(e.Message);
            return null;
        }
    }

    /// <summary>Runs a blank frame through an RVM model; a model that is not RVM is left to the contract check.</summary>
    public static void Run(InferenceSession session)
    {
        var inputs = session.InputMetadata;
        if (!ModelContract.InputNames.All(inputs.ContainsKey)) return;
        var values = new List<OrtValue>();
        try
        {
            foreach (var name in ModelContract.InputNames)
            {
                var meta = inputs[name];
                if (name == ModelContract.Ratio)
                {
                    values.Add(OrtValue.CreateTensorValueFromMemory(new[] { 1f }, new long[] { 1 }));
                    continue;
                }
                bool state = name != ModelContract.Source;
                var shape = meta.Dimensions.Length == 4
                    ? meta.Dimensions.Select((d, i) => d > 0 ? (long)d : i < 2 ? 1L : state ? 1L : Size).ToArray()
                    : new long[] { 1, state ? 1 : 3, state ? 1 : Size, state ? 1 : Size };
                if (!state && shape[1] != 3) shape[1] = 3;
                long count = shape.Aggregate(1L, (a, b) => a * b);
                values.Add(meta.ElementDataType == TensorElementType.Float16
                    ? OrtValue.CreateTensorValueFromMemory(new Float16[count], shape)
                    : OrtValue.CreateTensorValueFromMemory(new float[count], shape));
            }
            using var options = new RunOptions();
            using var outputs = session.Run(options, ModelContract.InputNames, values, ModelContract.OutputNames);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length > 400 ? line.Substring(0, 400) + "…" : line;
    }
}

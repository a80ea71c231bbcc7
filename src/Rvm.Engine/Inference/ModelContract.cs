using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Rvm.Inference;

/// <summary>The RVM ONNX interface: the inputs and outputs a model must have for Rvm to run it.</summary>
internal static class ModelContract
{
    // The only place the tensor names are written: the runtime, the warm-up, the benchmark and the converter read them here.
    public const string Source = "src";
    public const string Ratio = "downsample_ratio";
    public const string Foreground = "fgr";
    public const string Alpha = "pha";
    public static readonly string[] StateInputs = { "r1i", "r2i", "r3i", "r4i" };
    public static readonly string[] StateOutputs = { "r1o", "r2o", "r3o", "r4o" };
    /// <summary>The inputs shaped like images (batch, channels, height, width): the source and the states.</summary>
    public static readonly string[] ImageInputs = new[] { Source }.Concat(StateInputs).ToArray();
    public static readonly string[] InputNames = ImageInputs.Append(Ratio).ToArray();
    public static readonly string[] OutputNames = new[] { Foreground, Alpha }.Concat(StateOutputs).ToArray();

    /// <summary>Returns the element type of src and the states (float32 or float16), or throws naming every mismatch.</summary>
    public static TensorElementType Validate(string modelName, IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyDictionary<string, NodeMetadata> outputs)
    {
        var problems = new List<string>();
        var missingInputs = InputNames.Where(n => !inputs.ContainsKey(n)).ToList();
        var missingOutputs = OutputNames.Where(n => !outputs.ContainsKey(n)).ToList();
        if (missingInputs.Count > 0) problems.Add($"missing inputs {string.Join(", ", missingInputs)}");
        if (missingOutputs.Count > 0) problems.Add($"missing outputs {string.Join(", ", missingOutputs)}");

        var elementType = inputs.TryGetValue(Source, out var src) && src.IsTensor ? src.ElementDataType : TensorElementType.Float;
        if (elementType != TensorElementType.Float && elementType != TensorElementType.Float16)
            problems.Add($"input src is {elementType}, expected float32 or float16");
        foreach (var name in ImageInputs.Where(inputs.ContainsKey))
            Check(name, inputs[name], elementType, 4, problems);
        foreach (var name in OutputNames.Where(outputs.ContainsKey))
            Check(name, outputs[name], elementType, 4, problems);
        if (inputs.TryGetValue(Ratio, out var ratio))
            Check(Ratio, ratio, TensorElementType.Float, 1, problems);

        if (problems.Count > 0)
            throw new InvalidOperationException(
                $"'{modelName}' is not an RVM model: {string.Join("; ", problems)}. Expected inputs {string.Join(", ", InputNames)} and outputs {string.Join(", ", OutputNames)}.");
        return elementType;
    }

    private static void Check(string name, NodeMetadata meta, TensorElementType type, int rank, List<string> problems)
    {
        if (!meta.IsTensor) { problems.Add($"{name} is not a tensor"); return; }
        if (meta.ElementDataType != type) problems.Add($"{name} is {meta.ElementDataType}, expected {type}");
        // A rank of 0 in the metadata means the model leaves the shape open.
        if (meta.Dimensions.Length != 0 && meta.Dimensions.Length != rank) problems.Add($"{name} has rank {meta.Dimensions.Length}, expected {rank}");
    }
}

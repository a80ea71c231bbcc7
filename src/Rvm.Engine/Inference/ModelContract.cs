using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Rvm.Inference;

/// <summary>The RVM ONNX interface: the inputs and outputs a model must have for Rvm to run it.</summary>
internal static class ModelContract
{
    public static readonly string[] StateInputs = { "r1i", "r2i", "r3i", "r4i" };
    public static readonly string[] StateOutputs = { "r1o", "r2o", "r3o", "r4o" };
    public static readonly string[] InputNames = { "src", "r1i", "r2i", "r3i", "r4i", "downsample_ratio" };
    public static readonly string[] OutputNames = { "fgr", "pha", "r1o", "r2o", "r3o", "r4o" };

    /// <summary>Returns the element type of src and the states (float32 or float16), or throws naming every mismatch.</summary>
    public static TensorElementType Validate(string modelName, IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyDictionary<string, NodeMetadata> outputs)
    {
        var problems = new List<string>();
        var missingInputs = InputNames.Where(n => !inputs.ContainsKey(n)).ToList();
        var missingOutputs = OutputNames.Where(n => !outputs.ContainsKey(n)).ToList();
        if (missingInputs.Count > 0) problems.Add($"missing inputs {string.Join(", ", missingInputs)}");
        if (missingOutputs.Count > 0) problems.Add($"missing outputs {string.Join(", ", missingOutputs)}");

        var elementType = inputs.TryGetValue("src", out var src) && src.IsTensor ? src.ElementDataType : TensorElementType.Float;
        if (elementType != TensorElementType.Float && elementType != TensorElementType.Float16)
            problems.Add($"input src is {elementType}, expected float32 or float16");
        foreach (var name in InputNames.Take(5).Where(inputs.ContainsKey))
            Check(name, inputs[name], elementType, 4, problems);
        foreach (var name in OutputNames.Where(outputs.ContainsKey))
            Check(name, outputs[name], elementType, 4, problems);
        if (inputs.TryGetValue("downsample_ratio", out var ratio))
            Check("downsample_ratio", ratio, TensorElementType.Float, 1, problems);

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

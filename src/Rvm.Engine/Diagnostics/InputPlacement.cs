using System.Collections.Generic;
using Rvm.Inference;

namespace Rvm.Diagnostics;

/// <summary>
/// Where a model's session expects each input (ONNX Runtime's GetMemoryInfosForInputs): on a GPU, src expected
/// in device memory is what makes binding it again every frame necessary. For the device check.
/// </summary>
public static class InputPlacement
{
    /// <summary>Input name to "Device:id (memory name)": "CPU:0 (Cpu)" for a host input, "GPU:0 (Cuda)" for one on the first GPU.</summary>
    public static IReadOnlyDictionary<string, string> Of(RvmModel model)
    {
        var session = model.Session;
        var result = new SortedDictionary<string, string>();
        using var infos = session.GetMemoryInfosForInputs();
        int i = 0;
        foreach (var name in session.InputNames)
        {
            var info = infos[i++];
            result[name] = $"{info.GetDeviceType()}:{info.Id} ({info.Name})";
        }
        return result;
    }
}

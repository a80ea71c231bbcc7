using System.Collections.Generic;

namespace Rvm.Inference;

/// <summary>Where the CUDA add-on was found, if it was, and the installs passed over (another ONNX Runtime's) to name in errors.</summary>
internal sealed class CudaAddOnSearch
{
    public CudaAddOnSearch(string? folder, IReadOnlyList<string> passedOver)
    {
        Folder = folder;
        PassedOver = passedOver;
    }

    public string? Folder { get; }

    public IReadOnlyList<string> PassedOver { get; }
}

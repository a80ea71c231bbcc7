using Rvm.Matting;

namespace Rvm.Batch;

/// <summary>One task of a batch: an input, its outputs and settings, and what it may do about outputs that exist.</summary>
internal sealed class PlanEntry
{
    public PlanEntry(int index, ConversionRequest request, OutputPolicy policy)
    {
        Index = index;
        Request = request;
        Policy = policy;
    }

    public int Index { get; }
    public ConversionRequest Request { get; }
    public OutputPolicy Policy { get; }
}

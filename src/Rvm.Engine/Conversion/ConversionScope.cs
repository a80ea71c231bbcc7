using System;
using System.Collections.Generic;
using Rvm.Onnx;

namespace Rvm.Conversion;

/// <summary>
/// A graph being written: the main graph, or one side of an If. Values are keyed by TF tensor ("node:port");
/// inner scopes may read any value of the scopes around them, as ONNX subgraphs may.
/// </summary>
internal sealed class ConversionScope
{
    public ConversionScope(OnnxGraph graph, ConversionScope? parent, BranchKey? branch)
    {
        Graph = graph;
        Parent = parent;
        Branch = branch;
    }

    public OnnxGraph Graph { get; }
    public ConversionScope? Parent { get; }
    public BranchKey? Branch { get; }
    public Dictionary<string, string> Values { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>This scope or the nearest enclosing one that runs the given branch.</summary>
    public ConversionScope? Find(BranchKey key)
    {
        for (var s = this; s != null; s = s.Parent)
            if (s.Branch.HasValue && s.Branch.Value.Equals(key)) return s;
        return null;
    }
}

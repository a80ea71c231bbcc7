using System;
using System.Collections.Generic;
using System.Linq;

namespace Rvm.Conversion;

/// <summary>One side of a TensorFlow v1 conditional: the predicate tensor and whether it is the true side.</summary>
internal readonly struct BranchKey : IEquatable<BranchKey>
{
    public BranchKey(string predicate, bool side)
    {
        Predicate = predicate;
        Side = side;
    }

    public string Predicate { get; }
    public bool Side { get; }

    public bool Equals(BranchKey other) => Predicate == other.Predicate && Side == other.Side;
    public override bool Equals(object? obj) => obj is BranchKey k && Equals(k);
    public override int GetHashCode() => Predicate.GetHashCode() * 2 + (Side ? 1 : 0);
    public override string ToString() => $"{Predicate}={(Side ? "true" : "false")}";
}

/// <summary>
/// Finds the TensorFlow v1 conditionals (Switch/Merge) in the part of a graph that the outputs need, and which
/// nodes run only on one side of each. The converter turns each predicate into one ONNX If node whose outputs
/// are that predicate's Merges, so a branch is computed only when taken and is never duplicated.
/// </summary>
internal sealed class ControlFlowAnalysis
{
    private readonly Dictionary<string, BranchKey> _membership = new Dictionary<string, BranchKey>(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TfjsNode>> _mergesByPredicate = new Dictionary<string, List<TfjsNode>>(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _mergePredicate = new Dictionary<string, string>(StringComparer.Ordinal);

    public ControlFlowAnalysis(TfjsGraphModel model)
    {
        var reachable = Reachable(model);
        var consumers = new Dictionary<string, List<(TfjsNode Node, string Input)>>(StringComparer.Ordinal);
        foreach (var node in model.Nodes.Where(n => reachable.Contains(n.Name)))
            foreach (var input in node.Inputs)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = new List<(TfjsNode, string)>();
                list.Add((node, input));
            }

        foreach (var sw in model.Nodes.Where(n => n.Op == "Switch" && reachable.Contains(n.Name)))
        {
            string predicate = sw.Inputs[1];
            for (int port = 0; port < 2; port++)
                Mark(new BranchKey(predicate, port == 1), $"{sw.Name}:{port}", consumers, model);
        }
    }

    /// <summary>The branch a node runs in, if it runs in one.</summary>
    public bool TryGetBranch(string nodeName, out BranchKey key) => _membership.TryGetValue(nodeName, out key);

    public string PredicateOfMerge(string mergeName) =>
        _mergePredicate.TryGetValue(mergeName, out var p) ? p : throw new NotSupportedException($"Merge '{mergeName}' joins no conditional the converter understands.");

    public IReadOnlyList<TfjsNode> MergesOf(string predicate) => _mergesByPredicate[predicate];

    private void Mark(BranchKey key, string start, Dictionary<string, List<(TfjsNode Node, string Input)>> consumers, TfjsGraphModel model)
    {
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var tensor = queue.Dequeue();
            if (!consumers.TryGetValue(tensor, out var list)) continue;
            foreach (var (node, _) in list)
            {
                if (node.Op == "Merge")
                {
                    if (_mergePredicate.TryGetValue(node.Name, out var p) && p != key.Predicate)
                        throw new NotSupportedException($"Merge '{node.Name}' joins two different conditionals.");
                    if (!_mergePredicate.ContainsKey(node.Name))
                    {
                        _mergePredicate[node.Name] = key.Predicate;
                        if (!_mergesByPredicate.TryGetValue(key.Predicate, out var merges))
                            _mergesByPredicate[key.Predicate] = merges = new List<TfjsNode>();
                        merges.Add(node);
                    }
                    continue;
                }
                if (node.Op == "Switch")
                    throw new NotSupportedException($"Nested conditionals are not supported (Switch '{node.Name}' inside {key}).");
                if (_membership.TryGetValue(node.Name, out var existing))
                {
                    if (!existing.Equals(key))
                        throw new NotSupportedException($"Node '{node.Name}' depends on both {existing} and {key}.");
                    continue;
                }
                _membership[node.Name] = key;
                // Every output port of the node carries the branch on.
                foreach (var consumerKey in consumers.Keys.Where(k => TfjsNode.Split(k).Node == node.Name).ToList())
                    queue.Enqueue(consumerKey);
            }
        }
    }

    private static HashSet<string> Reachable(TfjsGraphModel model)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(model.SignatureOutputs.Values.Select(v => TfjsNode.Split(v).Node));
        while (stack.Count > 0)
        {
            var name = stack.Pop();
            if (!seen.Add(name)) continue;
            if (!model.NodesByName.TryGetValue(name, out var node))
                throw new NotSupportedException($"The graph refers to a node '{name}' that it does not define.");
            foreach (var input in node.Inputs) stack.Push(TfjsNode.Split(input).Node);
        }
        return seen;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Rvm.Conversion;

/// <summary>
/// A TensorFlow.js graph model (model.json with its weight shards): nodes, decoded weights and the signature
/// that maps the model's public input and output names to graph tensors.
/// </summary>
internal sealed class TfjsGraphModel
{
    private TfjsGraphModel(List<TfjsNode> nodes, Dictionary<string, TfjsTensor> weights,
        Dictionary<string, string> inputs, Dictionary<string, string> outputs)
    {
        Nodes = nodes;
        NodesByName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        Weights = weights;
        SignatureInputs = inputs;
        SignatureOutputs = outputs;
    }

    public IReadOnlyList<TfjsNode> Nodes { get; }
    public IReadOnlyDictionary<string, TfjsNode> NodesByName { get; }
    public IReadOnlyDictionary<string, TfjsTensor> Weights { get; }
    /// <summary>Public input name to placeholder node name.</summary>
    public IReadOnlyDictionary<string, string> SignatureInputs { get; }
    /// <summary>Public output name to tensor ("node:port").</summary>
    public IReadOnlyDictionary<string, string> SignatureOutputs { get; }

    /// <summary>Loads model.json; shards are read from the same folder.</summary>
    public static TfjsGraphModel Load(string modelJsonPath)
    {
        var bytes = File.ReadAllBytes(modelJsonPath);
        var shards = ShardPaths(modelJsonPath, bytes);
        int next = 0;
        // The decoder asks for the shards in manifest order, which is the order ShardPaths lists them.
        return Parse(bytes, _ => File.ReadAllBytes(shards[next++]));
    }

    /// <summary>The weight files a model.json names, as full paths that never leave its folder.</summary>
    public static IReadOnlyList<string> ShardPaths(string modelJsonPath, byte[] modelJson)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!;
        using var doc = JsonDocument.Parse(modelJson);
        if (!doc.RootElement.TryGetProperty("weightsManifest", out var manifest))
            throw new InvalidDataException($"'{modelJsonPath}' has no weightsManifest; it is not a TensorFlow.js graph model.");
        var result = new List<string>();
        foreach (var group in manifest.EnumerateArray())
            foreach (var p in group.GetProperty("paths").EnumerateArray())
            {
                var shard = p.GetString() ?? throw new InvalidDataException("A weight shard path is null.");
                var full = Path.GetFullPath(Path.Combine(folder, shard));
                if (!full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"Weight shard path '{shard}' in '{modelJsonPath}' points outside the model's folder.");
                RefuseLinks(full, folder, shard, modelJsonPath);
                if (!File.Exists(full))
                    throw new FileNotFoundException($"Weight shard '{shard}' named by '{modelJsonPath}' was not found.", full);
                result.Add(full);
            }
        return result;
    }

    /// <summary>
    /// A link (symbolic link, junction) anywhere between the model's folder and a shard could lead out of the folder,
    /// as ".." would; netstandard2.0 cannot read where a link points, so every link is refused.
    /// </summary>
    private static void RefuseLinks(string shardPath, string folder, string shard, string modelJsonPath)
    {
        for (var path = shardPath; path.Length > folder.Length; path = Path.GetDirectoryName(path)!)
        {
            FileAttributes attributes;
            try { attributes = File.GetAttributes(path); }
            catch (FileNotFoundException) { continue; }
            catch (DirectoryNotFoundException) { continue; }
            if ((attributes & FileAttributes.ReparsePoint) != 0)
                throw new InvalidDataException(
                    $"Weight shard '{shard}' named by '{modelJsonPath}' goes through the link '{path}'; weight files must be plain files inside the model's folder.");
        }
    }

    public static TfjsGraphModel Parse(byte[] modelJson, Func<string, byte[]> readShard)
    {
        using var doc = JsonDocument.Parse(modelJson);
        var root = doc.RootElement;
        if (!root.TryGetProperty("format", out var format) || format.GetString() != "graph-model")
            throw new InvalidDataException("This model.json is not a TensorFlow.js graph model (format is not 'graph-model').");
        var topology = root.GetProperty("modelTopology");
        var nodes = topology.GetProperty("node").EnumerateArray().Select(n => new TfjsNode(n.Clone())).ToList();
        if (topology.TryGetProperty("library", out var lib) && lib.TryGetProperty("function", out var fns) && fns.GetArrayLength() > 0)
            throw new NotSupportedException("TFJS graph models with function libraries are not supported.");
        var weights = TfjsWeightDecoder.Decode(root.GetProperty("weightsManifest"), readShard);

        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("signature", out var sig))
        {
            foreach (var p in sig.GetProperty("inputs").EnumerateObject())
                inputs[StripPort(p.Name)] = StripPort(p.Value.GetProperty("name").GetString()!);
            foreach (var p in sig.GetProperty("outputs").EnumerateObject())
                outputs[StripPort(p.Name)] = TfjsNode.Normalise(p.Value.GetProperty("name").GetString()!);
        }
        return new TfjsGraphModel(nodes, weights, inputs, outputs);
    }

    private static string StripPort(string name)
    {
        int colon = name.LastIndexOf(':');
        return colon > 0 ? name.Substring(0, colon) : name;
    }
}

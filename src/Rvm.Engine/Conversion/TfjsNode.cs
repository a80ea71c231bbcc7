using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Rvm.Conversion;

/// <summary>One node of a TFJS graph model (a TensorFlow GraphDef node in JSON), with typed attribute access.</summary>
internal sealed class TfjsNode
{
    private readonly JsonElement _attr;

    public TfjsNode(JsonElement json)
    {
        Name = json.GetProperty("name").GetString()!;
        Op = json.GetProperty("op").GetString()!;
        var inputs = new List<string>();
        if (json.TryGetProperty("input", out var inputArray))
            foreach (var i in inputArray.EnumerateArray())
            {
                var s = i.GetString()!;
                // Control inputs ("^name") order execution in TensorFlow; ONNX needs only data edges.
                if (!s.StartsWith("^", StringComparison.Ordinal)) inputs.Add(Normalise(s));
            }
        Inputs = inputs;
        _attr = json.TryGetProperty("attr", out var a) ? a : default;
    }

    public string Name { get; }
    public string Op { get; }
    /// <summary>Data inputs as "node:port".</summary>
    public IReadOnlyList<string> Inputs { get; }

    public static string Normalise(string tensorRef) => tensorRef.Contains(":") ? tensorRef : tensorRef + ":0";

    public static (string Node, int Port) Split(string tensorRef)
    {
        int colon = tensorRef.LastIndexOf(':');
        return (tensorRef.Substring(0, colon), int.Parse(tensorRef.Substring(colon + 1)));
    }

    public bool HasAttr(string name) => _attr.ValueKind == JsonValueKind.Object && _attr.TryGetProperty(name, out _);

    private JsonElement Attr(string name) =>
        _attr.ValueKind == JsonValueKind.Object && _attr.TryGetProperty(name, out var v)
            ? v
            : throw new NotSupportedException($"Node '{Name}' ({Op}) has no attribute '{name}'.");

    public long GetInt(string name, long fallback = 0) =>
        HasAttr(name) && Attr(name).TryGetProperty("i", out var i) ? ParseLong(i) : fallback;

    public bool GetBool(string name, bool fallback = false) =>
        HasAttr(name) && Attr(name).TryGetProperty("b", out var b) ? b.GetBoolean() : fallback;

    public string GetString(string name, string fallback = "") =>
        HasAttr(name) && Attr(name).TryGetProperty("s", out var s) ? Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString()!)) : fallback;

    public string GetType(string name) =>
        HasAttr(name) && Attr(name).TryGetProperty("type", out var t) ? t.GetString()! : "";

    public long[] GetInts(string name)
    {
        if (!HasAttr(name) || !Attr(name).TryGetProperty("list", out var list) || !list.TryGetProperty("i", out var items))
            return Array.Empty<long>();
        return items.EnumerateArray().Select(ParseLong).ToArray();
    }

    public string[] GetStrings(string name)
    {
        if (!HasAttr(name) || !Attr(name).TryGetProperty("list", out var list) || !list.TryGetProperty("s", out var items))
            return Array.Empty<string>();
        return items.EnumerateArray().Select(s => Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString()!))).ToArray();
    }

    // GraphDef JSON writes int64 as strings.
    private static long ParseLong(JsonElement e) => e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!) : e.GetInt64();

    public override string ToString() => $"{Op} '{Name}'";
}

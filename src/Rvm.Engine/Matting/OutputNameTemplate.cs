using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rvm.Matting;

/// <summary>
/// -OutputName: the name of an output without its extension, from a template where {0} is the input's base name and
/// {1} the output kind (composition, alpha, foreground). Checked once, before any input: a bad template fails the
/// command, not each input.
/// </summary>
internal sealed class OutputNameTemplate
{
    /// <summary>Rvm's own names: &lt;input name&gt;.&lt;kind&gt;.</summary>
    public static OutputNameTemplate Default { get; } = new OutputNameTemplate("{0}.{1}", new object[] { 0, ".", 1 });

    // Refused on every platform, not only Windows: outputs are moved between machines and shares.
    private static readonly char[] NotInNames = { '/', '\\', ':', '*', '?', '"', '<', '>', '|' };

    private readonly string _text;
    private readonly object[] _parts; // literal strings and placeholder numbers, in order

    private OutputNameTemplate(string text, object[] parts)
    {
        _text = text;
        _parts = parts;
    }

    public bool NamesKind => _parts.Contains(1);

    /// <summary>Reads <paramref name="text"/> (null or empty: <see cref="Default"/>) for outputs of <paramref name="kinds"/>.</summary>
    /// <exception cref="ArgumentException">The template cannot name outputs; the message names it and says why.</exception>
    public static OutputNameTemplate Parse(string? text, ICollection<OutputKind> kinds)
    {
        if (string.IsNullOrEmpty(text)) return Default;
        var parts = new List<object>();
        var literal = new StringBuilder();
        void Refuse(string why) => throw new ArgumentException(
            $"-OutputName '{text}' {why}. Use {{0}} for the input's base name and {{1}} for the output kind, e.g. '{{0}}_{{1}}'.");
        for (int i = 0; i < text!.Length; i++)
        {
            char c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c) { literal.Append(c); i++; continue; }
            if (c == '}') Refuse("has a '}' that closes nothing (write '}}' for the character)");
            if (c == '{')
            {
                int close = text.IndexOf('}', i);
                var inside = close < 0 ? text.Substring(i + 1) : text.Substring(i + 1, close - i - 1);
                if (close < 0 || (inside != "0" && inside != "1")) Refuse($"has an unknown placeholder '{(close < 0 ? text.Substring(i) : text.Substring(i, close - i + 1))}' (only {{0}} and {{1}}; write '{{{{' for the character)");
                if (literal.Length > 0) { parts.Add(literal.ToString()); literal.Clear(); }
                parts.Add(inside[0] - '0');
                i = close;
                continue;
            }
            if (Array.IndexOf(NotInNames, c) >= 0 || char.IsControl(c))
                Refuse($"has '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}', which file names cannot hold (the folder is -Destination's)");
            literal.Append(c);
        }
        if (literal.Length > 0) parts.Add(literal.ToString());
        if (!parts.Contains(0)) Refuse("has no {0}: every input's outputs would have the same name");
        var template = new OutputNameTemplate(text, parts.ToArray());
        if (!template.NamesKind && kinds.Count > 1)
            Refuse($"has no {{1}}: the {string.Join(" and ", kinds.Select(KindName))} of one input would have the same name");
        return template;
    }

    /// <summary>The name of <paramref name="kind"/>'s output of the input named <paramref name="baseName"/>, without an extension.</summary>
    public string Name(string baseName, OutputKind kind)
    {
        var name = new StringBuilder();
        foreach (var part in _parts)
            name.Append(part is int placeholder ? placeholder == 0 ? baseName : KindName(kind) : (string)part);
        return name.ToString();
    }

    public static string KindName(OutputKind kind) => kind.ToString().ToLowerInvariant();

    public override string ToString() => _text;
}

using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rvm.Processes;

/// <summary>
/// Builds a ProcessStartInfo.Arguments string (netstandard2.0 has no ArgumentList). .NET splits it back
/// with the Windows rules on every platform, so quoting by those rules makes every argument arrive verbatim:
/// file names are data, never options or extra arguments.
/// </summary>
internal static class CommandLine
{
    public static string Join(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(Quote));

    public static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\\' && c != '\''))
            return argument;
        return "\"" + EscapeInsideQuotes(argument) + "\"";
    }

    /// <summary>Escapes text for use between double quotes: quotes get a backslash, and backslashes before a quote or the end double.</summary>
    public static string EscapeInsideQuotes(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        int backslashes = 0;
        foreach (char c in text)
        {
            if (c == '\\') { backslashes++; continue; }
            if (c == '"')
            {
                sb.Append('\\', backslashes * 2 + 1);
                sb.Append('"');
            }
            else
            {
                sb.Append('\\', backslashes);
                sb.Append(c);
            }
            backslashes = 0;
        }
        sb.Append('\\', backslashes * 2);
        return sb.ToString();
    }
}

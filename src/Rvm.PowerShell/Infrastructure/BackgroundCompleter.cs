using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Rvm.Imaging;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>Tab completion for -Background: the colour names, Transparent and Blur (files complete as paths when nothing matches).</summary>
public sealed class BackgroundCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? "").Trim('\'', '"');
        return RgbColor.Names
            .Select(kv => (Name: kv.Key, Tip: $"{kv.Key} {kv.Value.Red},{kv.Value.Green},{kv.Value.Blue}"))
            .Append((Name: Matting.Background.TransparentName, Tip: $"{Matting.Background.TransparentName}: RGBA with straight alpha (.mov, .webm, .mkv or PNG)"))
            .Append((Name: Matting.Background.BlurName, Tip: $"{Matting.Background.BlurName}: the input's own background, blurred (-BlurRadius)"))
            .Where(c => c.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(c => new CompletionResult(c.Name, c.Name, CompletionResultType.ParameterValue, c.Tip));
    }
}

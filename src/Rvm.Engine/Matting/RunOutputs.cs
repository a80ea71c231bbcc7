using System.Collections.Generic;
using Rvm.IO;

namespace Rvm.Matting;

/// <summary>
/// The output names one run (one Convert-RvmVideo pipeline) has given out, so that two of its inputs never write
/// the same name, e.g. take.mp4 and take.mov both to take.composition.mp4.
/// </summary>
internal sealed class RunOutputs
{
    private readonly Dictionary<string, string> _owners = new Dictionary<string, string>(FileSystemNames.Comparer);

    /// <summary>Throws if another input of this run has one of these names; otherwise records them as this input's.</summary>
    public void Claim(string input, IEnumerable<PlannedOutput> outputs)
    {
        var keys = new List<(string Key, string Path)>();
        foreach (var output in outputs)
        {
            var key = FileSystemNames.Resolve(output.Path);
            if (_owners.TryGetValue(key, out var owner) && !string.Equals(owner, input, FileSystemNames.Comparison))
                throw new OutputConflictException(OutputConflict.OtherInput,
                    $"'{output.Path}' is also the output of '{owner}' in this run; '{input}' was not converted. Give inputs with the same name different -Destination folders, or convert them in separate runs with explicit output paths.");
            keys.Add((key, output.Path));
        }
        foreach (var (key, _) in keys) _owners[key] = input;
    }
}

using System.Collections.Generic;
using System.Linq;

namespace Rvm.Batch;

/// <summary>The command a task runs: PowerShell, the module, and Invoke-RvmBatchTask on the job folder.</summary>
internal static class WorkerCommand
{
    /// <summary>The PowerShell script given to -Command, with the module named by its manifest path (Slurm: the same files on every node).</summary>
    public static string ScriptWithModulePath(BatchPlan plan, BatchFolder folder) =>
        $"Import-Module {PowerShellQuote(plan.ModulePath)}; Invoke-RvmBatchTask -JobFolder {PowerShellQuote(folder.Path)}; if (-not $?) {{ exit 1 }}";

    /// <summary>
    /// The script with the module installed by name and version (a container image, on Kubernetes): there tasks
    /// cannot wait for others, so the last part of a long video to finish joins it.
    /// </summary>
    public static string ScriptWithInstalledModule(BatchPlan plan, BatchFolder folder) =>
        $"Import-Module Rvm -RequiredVersion {plan.ModuleVersion}; Invoke-RvmBatchTask -JobFolder {PowerShellQuote(folder.Path)} -JoinAfterLastPart; if (-not $?) {{ exit 1 }}";

    public static IReadOnlyList<string> Arguments(IEnumerable<string> powerShell, string script) =>
        powerShell.Concat(new[] { "-NoProfile", "-NonInteractive", "-Command", script }).ToList();

    /// <summary>A single-quoted PowerShell string. PowerShell also reads the typographic quotes U+2018 to U+201B as single quotes, so they are doubled too.</summary>
    public static string PowerShellQuote(string text)
    {
        var quoted = new System.Text.StringBuilder(text.Length + 2).Append('\'');
        foreach (var c in text)
        {
            if (c == '\'' || (c >= '\u2018' && c <= '\u201B')) quoted.Append(c);
            quoted.Append(c);
        }
        return quoted.Append('\'').ToString();
    }

    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''") + "'";
}

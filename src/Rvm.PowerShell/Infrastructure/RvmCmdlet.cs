using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using Rvm.Inference;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>What every Rvm cmdlet shares: Ctrl+C as a cancellation token, path resolution and the default model.</summary>
public abstract class RvmCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new CancellationTokenSource();

    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    internal RvmModel ResolveModel(RvmModel? given)
    {
        if (given != null)
        {
            if (given.IsDisposed) throw new ObjectDisposedException(nameof(RvmModel), "The RvmModel given with -Model has been disposed; import it again.");
            return given;
        }
        var pump = new LogPump(1);
        return pump.Run(this, () => DefaultModel.Get(pump.Log));
    }

    /// <summary>-Model, or the default model on -Device (the session's shared one for Auto).</summary>
    internal RvmModel ResolveModel(RvmModel? given, ExecutionDevice device)
    {
        if (given != null || device == ExecutionDevice.Auto) return ResolveModel(given);
        var pump = new LogPump(1);
        return pump.Run(this, () => DefaultModel.Get(pump.Log, device));
    }

    /// <summary>
    /// Resolves -Path (wildcards) or -LiteralPath to file-system paths. A path that matches nothing is a
    /// non-terminating error and resolution goes on with the next one.
    /// </summary>
    protected IEnumerable<string> ResolveInputPaths(string[] paths, bool literal)
    {
        foreach (var path in paths)
        {
            List<string> resolved;
            try
            {
                if (literal)
                {
                    var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                    if (!System.IO.File.Exists(full) && !System.IO.Directory.Exists(full))
                        throw new System.IO.FileNotFoundException($"Cannot find path '{full}' because it does not exist.", full);
                    resolved = new List<string> { full };
                }
                else
                {
                    resolved = new List<string>(GetResolvedProviderPathFromPSPath(path, out var provider));
                    if (provider.Name != "FileSystem")
                        throw new ArgumentException($"'{path}' is not a file-system path.");
                    if (resolved.Count == 0) resolved.Add(LiteralFallback(path));
                }
            }
            catch (Exception e) when (e is ItemNotFoundException || e is System.IO.FileNotFoundException || e is ArgumentException || e is DriveNotFoundException)
            {
                WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }
            foreach (var r in resolved) yield return r;
        }
    }

    /// <summary>
    /// A wildcard that matched nothing: the file of that exact name when there is one ('take [2].mp4', whose brackets
    /// match only 'take 2.mp4'), else an error naming the path, as Get-Item gives, instead of silence.
    /// </summary>
    private string LiteralFallback(string path)
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (System.IO.File.Exists(full) || System.IO.Directory.Exists(full)) return full;
        throw new ItemNotFoundException($"Cannot find path '{full}': nothing matches it.");
    }

    /// <summary>An output path in PowerShell terms (relative to the current location) as a file-system path.</summary>
    protected string ResolveOutputPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}

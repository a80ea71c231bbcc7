using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Rvm.Models;

/// <summary>
/// The folder models are cached in: $RVM_HOME, else %LOCALAPPDATA%\Rvm on Windows, else $XDG_CACHE_HOME/rvm
/// or ~/.cache/rvm. Files appear in it only whole and verified (written to a temporary name, then renamed).
/// </summary>
public sealed class ModelCache
{
    public ModelCache(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    public static ModelCache Default() => new ModelCache(DefaultRoot());

    public static string DefaultRoot()
    {
        var home = Environment.GetEnvironmentVariable("RVM_HOME");
        if (!string.IsNullOrEmpty(home)) return home!;
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Rvm");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg!, "rvm");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "rvm");
    }

    public string PathOf(params string[] parts)
    {
        var all = new string[parts.Length + 1];
        all[0] = Root;
        Array.Copy(parts, 0, all, 1, parts.Length);
        return Path.Combine(all);
    }
}

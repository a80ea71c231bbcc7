using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Rvm.IO;

/// <summary>How this platform's file system compares and limits names.</summary>
internal static class FileSystemNames
{
    /// <summary>Linux file systems tell 'SAME.mp4' from 'same.mp4'; Windows and macOS (by default) do not.</summary>
    public static bool CaseSensitive { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    public static StringComparison Comparison => CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
    public static StringComparer Comparer => CaseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    /// <summary>The longest file name one folder entry may have: 255 bytes of UTF-8 on Linux and macOS, 255 UTF-16 units on Windows.</summary>
    public const int MaxNameLength = 255;

    public static int NameLength(string name) =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? name.Length : Encoding.UTF8.GetByteCount(name);

    /// <summary>Refuses a final name the file system cannot hold, before any work starts.</summary>
    public static void CheckNameLength(string path)
    {
        var name = Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        int length = NameLength(name);
        if (length > MaxNameLength)
            throw new PathTooLongException($"The output name '{name}' is {length} bytes long; file systems allow {MaxNameLength}. Choose a shorter name or -Destination.");
    }

    /// <summary>A short, fixed-length tag for a name in a folder, the same for every spelling the file system treats as one.</summary>
    public static string ShortHash(string name)
    {
        var key = CaseSensitive ? name : name.ToUpperInvariant();
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(key));
        var text = new StringBuilder(16);
        for (int i = 0; i < 8; i++) text.Append(hash[i].ToString("x2"));
        return text.ToString();
    }

    /// <summary>The absolute path with every existing folder on the way resolved through its links (realpath on Unix).</summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return full;
        var resolved = realpath(FileIdentity.Utf8z(full), IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            // A path that does not exist yet: resolve its folder and keep the name.
            var parent = Path.GetDirectoryName(full);
            return parent == null || parent == full ? full : Path.Combine(Resolve(parent), Path.GetFileName(full));
        }
        try { return PtrToUtf8(resolved); }
        finally { free(resolved); }
    }

    /// <summary>Path of <paramref name="target"/> relative to <paramref name="folder"/>, with '/' separators.</summary>
    public static string RelativePath(string folder, string target)
    {
        var from = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var to = Path.GetFullPath(target);
        var fromParts = from.Split(new[] { Path.DirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        var toParts = to.Split(new[] { Path.DirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        int common = 0;
        while (common < fromParts.Length && common < toParts.Length && string.Equals(fromParts[common], toParts[common], Comparison)) common++;
        if (common == 0 && RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return to.Replace('\\', '/');
        var parts = new System.Collections.Generic.List<string>();
        for (int i = common; i < fromParts.Length; i++) parts.Add("..");
        for (int i = common; i < toParts.Length; i++) parts.Add(toParts[i]);
        return string.Join("/", parts);
    }

    private static unsafe string PtrToUtf8(IntPtr p)
    {
        var bytes = (byte*)p;
        int n = 0;
        while (bytes[n] != 0) n++;
        return Encoding.UTF8.GetString(bytes, n);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath(byte[] path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr p);
}

using System.IO;
using System.Runtime.InteropServices;

namespace Rvm.IO;

/// <summary>
/// A second name for a file's bytes, where the file system allows it: a join hands a PNG to the output without
/// copying it and without taking it from the work folder, which must stay whole until the outputs are committed.
/// </summary>
internal static class HardLink
{
    /// <summary>Links <paramref name="to"/> to <paramref name="from"/>'s bytes, or copies them where links are refused.</summary>
    public static void LinkOrCopy(string from, string to)
    {
        bool linked = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? CreateHardLinkW(to, from, System.IntPtr.Zero)
            : link(FileIdentity.Utf8z(Path.GetFullPath(from)), FileIdentity.Utf8z(Path.GetFullPath(to))) == 0;
        if (!linked) File.Copy(from, to);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(byte[] oldPath, byte[] newPath);

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateHardLinkW(string newName, string existingName, System.IntPtr securityAttributes);
}

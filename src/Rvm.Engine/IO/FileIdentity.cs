using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Rvm.IO;

/// <summary>
/// What a file is, not what it is called: device and inode on Linux, volume and file index on Windows. Two paths
/// name the same file exactly when their identities are equal, whatever symlinks, hard links, '..' or letter case
/// lie between them. Where neither is available (macOS), the fully resolved path stands in.
/// </summary>
internal readonly struct FileIdentity : IEquatable<FileIdentity>
{
    private readonly ulong _device;
    private readonly ulong _file;
    private readonly string? _resolvedPath;

    private FileIdentity(ulong device, ulong file, string? resolvedPath)
    {
        _device = device;
        _file = file;
        _resolvedPath = resolvedPath;
    }

    /// <summary>The identity of an existing file or folder (links followed), or null when it does not exist.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return null;
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            var stat = new byte[256];
            if (LinuxStat(path, stat) == 0) return FromLinuxStat(stat);
            return null;
        }
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // FILE_FLAG_BACKUP_SEMANTICS opens folders too; no access is asked for, so an open file is no obstacle.
            using var handle = CreateFileW(path, 0, FileShare.ReadWrite | FileShare.Delete, IntPtr.Zero, FileMode.Open, 0x02000000, IntPtr.Zero);
            if (!handle.IsInvalid && GetFileInformationByHandle(handle, out var info))
                return new FileIdentity(info.VolumeSerialNumber, ((ulong)info.FileIndexHigh << 32) | info.FileIndexLow, null);
            return null;
        }
        return new FileIdentity(0, 0, FileSystemNames.Resolve(path));
    }

    /// <summary>The identity of the file behind an open handle (Linux): what a lock was actually taken on.</summary>
    public static FileIdentity? Of(SafeFileHandle handle)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return null;
        var stat = new byte[256];
        return LinuxFstat((int)handle.DangerousGetHandle(), stat) == 0 ? FromLinuxStat(stat) : (FileIdentity?)null;
    }

    // struct stat on x86-64 and arm64 Linux starts with st_dev (8 bytes) and st_ino (8 bytes).
    private static FileIdentity FromLinuxStat(byte[] stat) => new FileIdentity(BitConverter.ToUInt64(stat, 0), BitConverter.ToUInt64(stat, 8), null);

    public static bool SameFile(string a, string b)
    {
        var x = Of(a);
        var y = Of(b);
        return x.HasValue && y.HasValue && x.Value.Equals(y.Value);
    }

    public bool Equals(FileIdentity other) => _resolvedPath != null || other._resolvedPath != null
        ? string.Equals(_resolvedPath, other._resolvedPath, FileSystemNames.Comparison)
        : _device == other._device && _file == other._file;

    public override bool Equals(object? obj) => obj is FileIdentity other && Equals(other);

    public override int GetHashCode() => _resolvedPath != null ? FileSystemNames.Comparer.GetHashCode(_resolvedPath) : (_device * 31 + _file).GetHashCode();

    // glibc 2.33 and later export stat and fstat; older ones only __xstat/__fxstat (version 1 on x86-64 and arm64).
    private static int LinuxStat(string path, byte[] buffer)
    {
        var bytes = Utf8z(path);
        try { return stat(bytes, buffer); }
        catch (EntryPointNotFoundException) { return __xstat(1, bytes, buffer); }
    }

    internal static byte[] Utf8z(string text) => System.Text.Encoding.UTF8.GetBytes(text + "\0");

    private static int LinuxFstat(int fd, byte[] buffer)
    {
        try { return fstat(fd, buffer); }
        catch (EntryPointNotFoundException) { return __fxstat(1, fd, buffer); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int stat(byte[] path, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int __xstat(int version, byte[] path, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int fstat(int fd, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int __fxstat(int version, int fd, byte[] buffer);

    [StructLayout(LayoutKind.Sequential)]
    private struct ByHandleFileInformation
    {
        public uint FileAttributes;
        public System.Runtime.InteropServices.ComTypes.FILETIME CreationTime, LastAccessTime, LastWriteTime;
        public uint VolumeSerialNumber, FileSizeHigh, FileSizeLow, NumberOfLinks, FileIndexHigh, FileIndexLow;
    }

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern SafeFileHandle CreateFileW(string name, uint access, FileShare share, IntPtr security, FileMode mode, uint flags, IntPtr template);

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool GetFileInformationByHandle(SafeFileHandle handle, out ByHandleFileInformation info);
}

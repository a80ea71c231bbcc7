using System;
using System.IO;
using System.Text;
using System.Threading;

namespace Rvm.IO;

/// <summary>
/// A final output name held by one run. A lock file beside the final name (<c>.&lt;hash&gt;.rvm-lock</c>) is held
/// open with an exclusive lock for as long as the run lives: a second run gets <see cref="OutputConflictException"/>
/// instead of writing the same name, and the lock vanishes with its process, even after SIGKILL, so what a dead
/// run left is recognisably stale. The output is written under <see cref="TempPath"/>, whose length does not grow
/// with the final name's, and an old output waits at <see cref="BackupPath"/> while outputs are committed.
/// </summary>
internal sealed class OutputClaim : IDisposable
{
    private const string LockSuffix = ".rvm-lock";
    private const string TempSuffix = ".rvm-partial";
    private const string BackupSuffix = ".rvm-old";
    private readonly FileStream _lock;
    private bool _keepTemporary;

    private OutputClaim(string finalPath, bool isFolder, string hashPath, FileStream lockStream)
    {
        FinalPath = finalPath;
        IsFolder = isFolder;
        TempPath = hashPath + TempSuffix;
        BackupPath = hashPath + BackupSuffix;
        _lock = lockStream;
    }

    public string FinalPath { get; }
    /// <summary>The output is a folder (of PNGs), not a file.</summary>
    public bool IsFolder { get; }
    public string TempPath { get; }
    public string BackupPath { get; }

    /// <summary>Takes the name, or throws when another live run holds it. What a dead run left under it is cleaned up first.</summary>
    public static OutputClaim Acquire(string finalPath, bool isFolder)
    {
        var full = Path.GetFullPath(finalPath);
        var claim = TryAcquire(full, isFolder) ?? throw new OutputConflictException(OutputConflict.Busy,
            $"'{full}' is being written by another Rvm run right now; it was left alone.");
        claim.RecoverFromDeadRun();
        return claim;
    }

    /// <summary>Removes what dead runs left in a folder: their temporaries, and old outputs set aside by a commit they did not finish.</summary>
    public static void SweepStale(string folder)
    {
        if (!Directory.Exists(folder)) return;
        string[] locks;
        try { locks = Directory.GetFiles(folder, "." + "*" + LockSuffix); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return; }
        foreach (var lockPath in locks)
        {
            string? final = ReadFinalName(lockPath);
            if (final == null) continue;
            using var claim = TryAcquire(Path.Combine(folder, final), isFolder: false);
            claim?.RecoverFromDeadRun();
        }
    }

    private static OutputClaim? TryAcquire(string full, bool isFolder)
    {
        var folder = Path.GetDirectoryName(full)!;
        var hashPath = Path.Combine(folder, "." + FileSystemNames.ShortHash(Path.GetFileName(full)));
        var stream = FileLock.TryAcquire(hashPath + LockSuffix);
        if (stream == null) return null;
        var text = Encoding.UTF8.GetBytes($"{Path.GetFileName(full)}\n{Environment.MachineName} {ProcessId}\n");
        stream.SetLength(0);
        stream.Write(text, 0, text.Length);
        stream.Flush();
        return new OutputClaim(full, isFolder, hashPath, stream);
    }

    private static readonly int ProcessId = System.Diagnostics.Process.GetCurrentProcess().Id;

    private static string? ReadFinalName(string lockPath)
    {
        try
        {
            using var stream = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var name = reader.ReadLine();
            return string.IsNullOrEmpty(name) || name!.IndexOfAny(new[] { '/', '\\' }) >= 0 ? null : name;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// Holding the lock, nothing else writes here: a temporary is a dead run's and goes. An old output set aside
    /// by a dead run's commit goes back to its name if no new output took its place, and is dropped otherwise.
    /// </summary>
    private void RecoverFromDeadRun()
    {
        DeleteEntry(TempPath);
        if (File.Exists(BackupPath) || Directory.Exists(BackupPath))
        {
            if (File.Exists(FinalPath) || Directory.Exists(FinalPath)) DeleteEntry(BackupPath);
            else MoveEntry(BackupPath, FinalPath);
        }
    }

    internal static void DeleteEntry(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, true);
        else if (File.Exists(path)) File.Delete(path);
    }

    internal static void MoveEntry(string from, string to)
    {
        if (Directory.Exists(from)) Directory.Move(from, to);
        else File.Move(from, to);
    }

    /// <summary>The temporary holds a finished output that could not be moved into place: the claim's end leaves it.</summary>
    public void KeepTemporary() => _keepTemporary = true;

    /// <summary>Ends the claim: a temporary that was not committed is removed (unless kept), then the lock goes.</summary>
    public void Dispose()
    {
        try { if (!_keepTemporary) DeleteEntry(TempPath); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        _lock.Dispose();
    }
}

using System.IO;
using System.Threading;

namespace Rvm.IO;

/// <summary>
/// An exclusive lock held as an open file (flock on Unix), which vanishes with its process, even after SIGKILL.
/// The file is removed when the lock is released.
/// </summary>
internal static class FileLock
{
    /// <summary>Takes the lock, or returns null when another process or thread holds it.</summary>
    public static FileStream? TryAcquire(string lockPath)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            FileStream stream;
            try
            {
                // FileShare.None is an exclusive flock on Unix. DeleteOnClose removes the file when the holder ends.
                stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 256, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (File.Exists(lockPath)) { return null; }
            catch (FileNotFoundException) { continue; }
            catch (DirectoryNotFoundException) { throw; }
            // The previous holder may have unlinked the file between our open and our lock: then ours is a lock on
            // nothing, and we try again on the file that is there now.
            var held = FileIdentity.Of(stream.SafeFileHandle);
            var named = FileIdentity.Of(lockPath);
            if (held.HasValue && (!named.HasValue || !held.Value.Equals(named.Value)))
            {
                stream.Dispose();
                Thread.Sleep(5);
                continue;
            }
            return stream;
        }
        return null;
    }

    /// <summary>Waits for the lock as long as <paramref name="cancel"/> allows.</summary>
    public static FileStream Acquire(string lockPath, CancellationToken cancel)
    {
        while (true)
        {
            var stream = TryAcquire(lockPath);
            if (stream != null) return stream;
            if (cancel.WaitHandle.WaitOne(100)) cancel.ThrowIfCancellationRequested();
        }
    }
}

using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace Rvm.IO;

/// <summary>
/// Runs a rename again while Windows refuses it because another process holds the file: a player, the search
/// indexer, OneDrive or an antivirus scanner opens files without FILE_SHARE_DELETE for a moment, and a rename or
/// replace then fails with a sharing violation. The waits double from 50 ms up to 1 s, within a bounded total; what
/// still fails after that is the caller's to report. Elsewhere renames do not fail this way, so nothing is retried.
/// </summary>
internal sealed class SharingViolationRetry
{
    private const int ErrorAccessDenied = 5, ErrorSharingViolation = 32, ErrorLockViolation = 33, ErrorUnableToRemoveReplaced = 1175;
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(50), LongestWait = TimeSpan.FromSeconds(1);

    /// <summary>The policy of this OS: on Windows, up to 10 s of waiting (an antivirus scan of a large video).</summary>
    public static readonly SharingViolationRetry ForThisOs =
        new SharingViolationRetry(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), TimeSpan.FromSeconds(10), Thread.Sleep);

    private readonly bool _windows;
    private readonly TimeSpan _budget;
    private readonly Action<TimeSpan> _sleep;

    public SharingViolationRetry(bool windows, TimeSpan budget, Action<TimeSpan> sleep)
    {
        _windows = windows;
        _budget = budget;
        _sleep = sleep;
    }

    public void Run(Action operation)
    {
        var waited = TimeSpan.Zero;
        var wait = FirstWait;
        while (true)
        {
            try
            {
                operation();
                return;
            }
            catch (Exception e) when (IsHeldByAnotherProcess(e) && waited + wait <= _budget)
            {
                _sleep(wait);
                waited += wait;
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestWait.Ticks));
            }
        }
    }

    /// <summary>
    /// A Windows error that goes away when the other process closes the file. Access denied counts: Windows gives it
    /// for a file that is open and marked for deletion, and for a folder with a file open inside it.
    /// </summary>
    public bool IsHeldByAnotherProcess(Exception e)
    {
        if (!_windows) return false;
        if (e is UnauthorizedAccessException) return true;
        if (!(e is IOException)) return false;
        // An IOException from a Win32 error carries it as HRESULT_FROM_WIN32 (0x8007xxxx).
        uint hresult = unchecked((uint)e.HResult);
        if ((hresult & 0xFFFF0000) != 0x80070000) return false;
        uint code = hresult & 0xFFFF;
        return code == ErrorAccessDenied || code == ErrorSharingViolation || code == ErrorLockViolation || code == ErrorUnableToRemoveReplaced;
    }
}

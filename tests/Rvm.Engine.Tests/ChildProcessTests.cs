using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Rvm.Processes;
using Xunit;

namespace Rvm.Tests;

public sealed class ChildProcessTests
{
    [Fact]
    public void TheJobLimitsHaveWindowsLayout()
    {
        // JOBOBJECT_EXTENDED_LIMIT_INFORMATION is 144 bytes on x64 (112 on x86); a wrong layout makes
        // SetInformationJobObject fail, and the children would go unguarded.
        Assert.Equal(IntPtr.Size == 8 ? 144 : 112, Marshal.SizeOf<KillOnCloseJob.ExtendedLimitInformation>());
        Assert.Equal(IntPtr.Size == 8 ? 64 : 48, Marshal.SizeOf<KillOnCloseJob.BasicLimitInformation>());
    }

    [Fact]
    public void KillEndsTheChildAndDisposeReleasesIt()
    {
        var info = new ProcessStartInfo("sleep", "30") { UseShellExecute = false };
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) info = new ProcessStartInfo("ping", "-n 30 127.0.0.1") { UseShellExecute = false, RedirectStandardOutput = true };
        using var child = ChildProcess.Start(info, "sleep");
        var watch = Stopwatch.StartNew();
        child.Kill();
        // Well under the child's own 30 s, with room for a loaded machine.
        Assert.True(child.Process.WaitForExit(15000));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15));
        child.Kill();
    }
}

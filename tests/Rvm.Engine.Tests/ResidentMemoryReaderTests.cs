using System;
using System.Text;
using Rvm.Diagnostics;
using Xunit;

namespace Rvm.Tests;

/// <summary>The benchmark's sampler of resident memory over a conversion.</summary>
public sealed class ResidentMemoryReaderTests
{
    [Fact]
    public void ResidentPagesIsStatmsSecondField()
    {
        var statm = Encoding.ASCII.GetBytes("1185231 98765 12034 2 0 201330 0\n");
        Assert.Equal(98765, ResidentMemoryReader.ResidentPages(statm, statm.Length));
    }

    [Fact]
    public void ReadsFollowThisProcessesMemoryAndAllocateNothing()
    {
        using var reader = new ResidentMemoryReader();
        long before = reader.Read();
        Assert.InRange(before, 1L << 20, 1L << 40);

        // 200 MB touched page by page must show in the resident size.
        var block = new byte[200 << 20];
        for (int i = 0; i < block.Length; i += 4096) block[i] = 1;
        long after = reader.Read();
        Assert.True(after - before > 150L << 20, $"resident {before} then {after} bytes");
        GC.KeepAlive(block);

        if (!OperatingSystem.IsLinux()) return;
        reader.Read();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) reader.Read();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - allocated);
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rvm.IO;
using Xunit;

namespace Rvm.Tests;

/// <summary>Windows's refusals to rename a file another process holds, simulated on any OS by the injected rename.</summary>
public sealed class SharingViolationRetryTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "rvm-retry-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly List<TimeSpan> _waits = new List<TimeSpan>();

    public void Dispose() => Directory.Delete(_dir, true);

    private string P(string name) => Path.Combine(_dir, name);

    private SharingViolationRetry WindowsRetry(double budgetSeconds = 10) =>
        new SharingViolationRetry(windows: true, TimeSpan.FromSeconds(budgetSeconds), _waits.Add);

    // What .NET throws on Windows for ERROR_SHARING_VIOLATION.
    private static IOException SharingViolation(string path) => new IOException($"The process cannot access the file '{path}'.", unchecked((int)0x80070020));

    /// <summary>A rename that fails while the destination or source is "held", a given number of times, then renames.</summary>
    private Action<string, string> HeldFor(string heldPath, int refusals) => (from, to) =>
    {
        if ((from == heldPath || to == heldPath) && refusals-- > 0) throw SharingViolation(heldPath);
        OutputClaim.MoveEntry(from, to);
    };

    [Fact]
    public void OnlyWindowsErrorsOfAHeldFileAreRetried()
    {
        var retry = WindowsRetry();
        Assert.True(retry.IsHeldByAnotherProcess(SharingViolation("x")));
        Assert.True(retry.IsHeldByAnotherProcess(new IOException("lock", unchecked((int)0x80070021))));
        Assert.True(retry.IsHeldByAnotherProcess(new UnauthorizedAccessException()));
        Assert.False(retry.IsHeldByAnotherProcess(new IOException("disk full", unchecked((int)0x80070070))));
        Assert.False(retry.IsHeldByAnotherProcess(new FileNotFoundException()));
        var linux = new SharingViolationRetry(windows: false, TimeSpan.FromSeconds(10), _waits.Add);
        Assert.False(linux.IsHeldByAnotherProcess(SharingViolation("x")));
        Assert.Throws<IOException>(() => linux.Run(() => throw SharingViolation("x")));
        Assert.Empty(_waits);
    }

    [Fact]
    public void WaitsDoubleAndStopWithinTheBudget()
    {
        int calls = 0;
        Assert.Throws<IOException>(() => WindowsRetry(budgetSeconds: 3).Run(() => { calls++; throw SharingViolation("x"); }));
        Assert.Equal(new[] { 50, 100, 200, 400, 800, 1000 }, _waits.Select(w => (int)w.TotalMilliseconds));
        Assert.True(_waits.Sum(w => w.TotalSeconds) <= 3);
        Assert.Equal(_waits.Count + 1, calls);
    }

    [Fact]
    public void ACommitGoesThroughWhenThePlayerLetsGoOfTheOldOutputs()
    {
        // An old composition held for three tries (a player) and an old PNG folder for two (Explorer's thumbnails).
        File.WriteAllText(P("c.composition.mp4"), "old");
        Directory.CreateDirectory(P("c.alpha"));
        File.WriteAllText(P("c.alpha/0000.png"), "old png");
        var heldFile = HeldFor(P("c.composition.mp4"), 3);
        var heldFolder = HeldFor(P("c.alpha"), 2);
        using (var frames = OutputClaim.Acquire(P("c.alpha"), isFolder: true))
        using (var composition = OutputClaim.Acquire(P("c.composition.mp4"), isFolder: false))
        {
            Directory.CreateDirectory(frames.TempPath);
            File.WriteAllText(Path.Combine(frames.TempPath, "0000.png"), "new png");
            File.WriteAllText(composition.TempPath, "new");
            OutputCommit.CommitAll(new[] { frames, composition }, WindowsRetry(),
                (from, to) => (from == P("c.alpha") || to == P("c.alpha") ? heldFolder : heldFile)(from, to));
        }
        Assert.Equal("new", File.ReadAllText(P("c.composition.mp4")));
        Assert.Equal("new png", File.ReadAllText(P("c.alpha/0000.png")));
        Assert.Equal(5, _waits.Count);
        Assert.Equal(new[] { "c.alpha", "c.composition.mp4" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void AnOutputHeldTooLongKeepsTheNewOneUnderItsTemporaryNameAndNamesIt()
    {
        File.WriteAllText(P("b.alpha.mp4"), "old alpha");
        string compositionTemp, alphaTemp;
        IOException error;
        using (var composition = OutputClaim.Acquire(P("b.composition.mp4"), isFolder: false))
        using (var alpha = OutputClaim.Acquire(P("b.alpha.mp4"), isFolder: false))
        {
            compositionTemp = composition.TempPath;
            alphaTemp = alpha.TempPath;
            File.WriteAllText(composition.TempPath, "new composition");
            File.WriteAllText(alpha.TempPath, "new alpha");
            error = Assert.Throws<IOException>(() =>
                OutputCommit.CommitAll(new[] { composition, alpha }, WindowsRetry(budgetSeconds: 1), HeldFor(P("b.alpha.mp4"), int.MaxValue)));
        }
        // The claims have ended: the old output is untouched, and the new ones are still there, under the names the error gives.
        Assert.Equal("old alpha", File.ReadAllText(P("b.alpha.mp4")));
        Assert.False(File.Exists(P("b.composition.mp4")));
        Assert.Equal("new composition", File.ReadAllText(compositionTemp));
        Assert.Equal("new alpha", File.ReadAllText(alphaTemp));
        Assert.Contains(compositionTemp, error.Message);
        Assert.Contains(alphaTemp, error.Message);
        Assert.Contains(P("b.alpha.mp4"), error.Message);
    }
}

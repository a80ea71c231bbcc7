using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Rvm.IO;
using Rvm.Matting;
using Rvm.Media;
using Rvm.Threading;
using Xunit;

namespace Rvm.Tests;

/// <summary>Output names: claims against other runs, all-or-nothing commits, file identity, provenance and the planner's rules.</summary>
public sealed class OutputSafetyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rvm-out-{Guid.NewGuid():N}");

    public OutputSafetyTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private string P(string name) => Path.Combine(_dir, name);

    private static void Run(string tool, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { UseShellExecute = false, RedirectStandardError = true })!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>A tiny video carrying the tag Rvm writes, as Rvm's writer would make it.</summary>
    private void MakeVideo(string path, string? tag)
    {
        var metadata = tag == null ? "" : $"-metadata comment=\"{tag}\"";
        Run("ffmpeg", $"-v error -y -f lavfi -i testsrc=size=32x32:rate=5 -frames:v 2 -map_metadata -1 {metadata} \"{path}\"");
    }

    [Fact]
    public void ASecondClaimOnTheSameNameIsRefusedUntilTheFirstEnds()
    {
        var final = P("a.composition.mp4");
        using (var first = OutputClaim.Acquire(final, isFolder: false))
        {
            var e = Assert.Throws<OutputConflictException>(() => OutputClaim.Acquire(final, isFolder: false));
            Assert.Equal(OutputConflict.Busy, e.Conflict);
        }
        using (OutputClaim.Acquire(final, isFolder: false)) { }
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void TemporaryNamesStayShortWhateverTheFinalName()
    {
        var longName = new string('x', 240) + ".mp4";
        using var claim = OutputClaim.Acquire(P(longName), isFolder: false);
        Assert.True(Path.GetFileName(claim.TempPath).Length < 40);
        Assert.True(Path.GetFileName(claim.BackupPath).Length < 40);
        Assert.True(Path.GetFileName(AtomicFile.TempNameFor(P(longName))).Length < 60);
        var tooLong = new string('y', 250) + ".composition.mp4";
        Assert.Throws<PathTooLongException>(() => FileSystemNames.CheckNameLength(P(tooLong)));
        // 255 bytes of UTF-8, not 255 characters: 'é' is two bytes.
        Assert.Throws<PathTooLongException>(() => FileSystemNames.CheckNameLength(P(new string('é', 128) + ".mp4")));
    }

    [Fact]
    public void WhatADeadRunLeftIsSweptAndALiveRunsIsNot()
    {
        // A dead run: its lock file names the output, nobody holds it, its temporary and a set-aside old output remain.
        var hash = "." + FileSystemNames.ShortHash("dead.mp4");
        File.WriteAllText(P(hash + ".rvm-lock"), "dead.mp4\nhost 99999\n");
        File.WriteAllText(P(hash + ".rvm-partial"), "half a video");
        File.WriteAllText(P(hash + ".rvm-old"), "the old output");
        using var live = OutputClaim.Acquire(P("live.mp4"), isFolder: false);
        File.WriteAllText(live.TempPath, "being written");

        OutputClaim.SweepStale(_dir);

        Assert.False(File.Exists(P(hash + ".rvm-partial")));
        Assert.False(File.Exists(P(hash + ".rvm-lock")));
        // The dead run set the old output aside and died before placing the new one: the old one comes back.
        Assert.Equal("the old output", File.ReadAllText(P("dead.mp4")));
        Assert.True(File.Exists(live.TempPath));
    }

    [Fact]
    public void CommitChecksEveryNameFirstAndKeepsTheOldOutputsOnFailure()
    {
        File.WriteAllText(P("a.composition.mp4"), "old composition");
        Directory.CreateDirectory(P("a.alpha.mp4"));
        File.WriteAllText(P("a.alpha.mp4/keep.txt"), "not Rvm's");
        using var composition = OutputClaim.Acquire(P("a.composition.mp4"), isFolder: false);
        using var alpha = OutputClaim.Acquire(P("a.alpha.mp4"), isFolder: false);
        File.WriteAllText(composition.TempPath, "new composition");
        File.WriteAllText(alpha.TempPath, "new alpha");

        Assert.Throws<OutputConflictException>(() => OutputCommit.CommitAll(new[] { composition, alpha }));
        Assert.Equal("old composition", File.ReadAllText(P("a.composition.mp4")));
        Assert.True(File.Exists(P("a.alpha.mp4/keep.txt")));
    }

    [Fact]
    public void CommitReplacesOldOutputsAndLeavesNoBackups()
    {
        File.WriteAllText(P("a.composition.mp4"), "old");
        using (var composition = OutputClaim.Acquire(P("a.composition.mp4"), isFolder: false))
        using (var frames = OutputClaim.Acquire(P("a.alpha"), isFolder: true))
        {
            File.WriteAllText(composition.TempPath, "new");
            Directory.CreateDirectory(frames.TempPath);
            File.WriteAllText(Path.Combine(frames.TempPath, "0000.png"), "png");
            OutputCommit.CommitAll(new[] { composition, frames });
        }
        Assert.Equal("new", File.ReadAllText(P("a.composition.mp4")));
        Assert.True(File.Exists(P("a.alpha/0000.png")));
        Assert.Equal(new[] { "a.alpha", "a.composition.mp4" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void IdentityFollowsLinksAndTellsCaseApartOnLinux()
    {
        File.WriteAllText(P("same.mp4"), "x");
        Directory.CreateDirectory(P("real"));
        File.WriteAllText(P("real/clip.mp4"), "clip");
        Run("ln", $"-s \"{P("real")}\" \"{P("link")}\"");
        Run("ln", $"\"{P("real/clip.mp4")}\" \"{P("hard.mp4")}\"");

        Assert.True(FileIdentity.SameFile(P("link/clip.mp4"), P("real/clip.mp4")));
        Assert.True(FileIdentity.SameFile(P("hard.mp4"), P("real/clip.mp4")));
        Assert.True(FileIdentity.SameFile(P("real/../real/clip.mp4"), P("real/clip.mp4")));
        Assert.False(FileIdentity.SameFile(P("same.mp4"), P("real/clip.mp4")));
        if (FileSystemNames.CaseSensitive)
        {
            File.WriteAllText(P("SAME.mp4"), "y");
            Assert.False(FileIdentity.SameFile(P("SAME.mp4"), P("same.mp4")));
        }
        Assert.Equal(FileSystemNames.Resolve(P("real/clip.mp4")), FileSystemNames.Resolve(P("link/clip.mp4")));
    }

    [Fact]
    public void ProvenanceNamesTheInputRelativeToTheOutput()
    {
        var tag = OutputProvenance.TagFor("alpha", P("in/sub 1/a%b.mp4"), P("out/a.alpha.mp4"));
        Assert.Equal("rvm-output/1 kind=alpha source=..%2Fin%2Fsub%201%2Fa%25b.mp4", tag);
        var parsed = OutputProvenance.Parse(tag)!;
        Assert.Equal("alpha", parsed.Kind);
        Assert.Equal("../in/sub 1/a%b.mp4", parsed.Source);
        Assert.True(parsed.IsFrom(P("in/sub 1/a%b.mp4"), P("out/a.alpha.mp4")));
        Assert.False(parsed.IsFrom(P("in/sub 2/a%b.mp4"), P("out/a.alpha.mp4")));
        Assert.Null(OutputProvenance.Parse("Lavf59.27.100"));
        Assert.Null(OutputProvenance.Parse(null));
    }

    [Fact]
    public void TheTagSurvivesEveryContainerAndIsReadBack()
    {
        foreach (var ext in new[] { "mp4", "mov", "webm", "mkv" })
        {
            var path = P($"a.alpha.{ext}");
            MakeVideo(path, OutputProvenance.TagFor("alpha", P("a.mp4"), path));
            Assert.True(OutputProvenance.Read(path)?.IsFrom(P("a.mp4"), path), ext);
        }
        File.WriteAllText(P("notes.txt"), "not media");
        Assert.Null(OutputProvenance.Read(P("notes.txt")));
    }

    private static PlannedOutput Output(string path, OutputFormat? format = null) =>
        new PlannedOutput(path, OutputKind.Composition, format ?? OutputFormat.Mp4, "");

    [Fact]
    public void ThePlannerNeverReplacesWhatIsNotThisInputsOutput()
    {
        var input = P("a.mp4");
        File.WriteAllText(input, "input");
        var own = P("own.composition.mp4");
        var other = P("other.composition.mp4");
        var foreign = P("foreign.mp4");
        MakeVideo(own, OutputProvenance.TagFor("composition", input, own));
        MakeVideo(other, OutputProvenance.TagFor("composition", P("b.mp4"), other));
        MakeVideo(foreign, null);
        var force = new OutputPolicy { Force = true };

        Assert.Null(ConversionPlanner.CheckExisting(input, new[] { Output(own) }, force));
        Assert.Equal(OutputConflict.Exists, Assert.Throws<OutputConflictException>(() => ConversionPlanner.CheckExisting(input, new[] { Output(own) }, new OutputPolicy())).Conflict);
        Assert.NotNull(ConversionPlanner.CheckExisting(input, new[] { Output(own) }, new OutputPolicy { SkipExisting = true }));
        Assert.Equal(OutputConflict.OtherInput, Assert.Throws<OutputConflictException>(() => ConversionPlanner.CheckExisting(input, new[] { Output(other) }, force)).Conflict);
        Assert.Equal(OutputConflict.OtherInput, Assert.Throws<OutputConflictException>(() => ConversionPlanner.CheckExisting(input, new[] { Output(other) }, new OutputPolicy { SkipExisting = true })).Conflict);
        Assert.Null(ConversionPlanner.CheckExisting(input, new[] { Output(other) }, new OutputPolicy { Force = true, ExplicitPaths = true }));
        Assert.Equal(OutputConflict.NotRvmOutput, Assert.Throws<OutputConflictException>(() => ConversionPlanner.CheckExisting(input, new[] { Output(foreign) }, new OutputPolicy { Force = true, ExplicitPaths = true })).Conflict);
        // -SkipExisting converts an input whose outputs are only partly there, replacing its own.
        Assert.Null(ConversionPlanner.CheckExisting(input, new[] { Output(own), Output(P("missing.mp4")) }, new OutputPolicy { SkipExisting = true }));
    }

    [Fact]
    public void OnlyAFolderOfRvmsOwnNumberedPngsMayBeReplaced()
    {
        var input = P("a.mp4");
        File.WriteAllText(input, "input");
        var force = new OutputPolicy { Force = true, ExplicitPaths = true };
        var frames = P("frames");
        Directory.CreateDirectory(frames);
        File.WriteAllText(Path.Combine(frames, "0000.png"), "png");
        File.WriteAllText(Path.Combine(frames, OutputProvenance.MarkerName), OutputProvenance.TagFor("alpha", input, frames));
        Assert.Null(ConversionPlanner.CheckExisting(input, new[] { Output(frames, OutputFormat.Png) }, force));

        File.WriteAllText(Path.Combine(frames, "notes.txt"), "mine");
        Assert.Throws<OutputConflictException>(() => ConversionPlanner.CheckExisting(input, new[] { Output(frames, OutputFormat.Png) }, force));
        File.Delete(Path.Combine(frames, "notes.txt"));
        Directory.CreateDirectory(Path.Combine(frames, "sub"));
        Assert.Throws<OutputConflictException>(() => ConversionPlanner.CheckExisting(input, new[] { Output(frames, OutputFormat.Png) }, force));
        // Numbered PNGs without Rvm's marker: somebody else's frames.
        var plain = P("plain");
        Directory.CreateDirectory(plain);
        File.WriteAllText(Path.Combine(plain, "0000.png"), "png");
        Assert.Throws<OutputConflictException>(() => ConversionPlanner.CheckExisting(input, new[] { Output(plain, OutputFormat.Png) }, force));
        // The folder holding the input itself.
        Assert.Throws<OutputConflictException>(() => ConversionPlanner.CheckExisting(input, new[] { Output(_dir, OutputFormat.Png) }, force));
        // An empty folder loses nothing.
        Directory.CreateDirectory(P("empty"));
        Assert.Null(ConversionPlanner.CheckExisting(input, new[] { Output(P("empty"), OutputFormat.Png) }, new OutputPolicy()));
    }

    [Fact]
    public void TwoInputsOfOneRunNeverShareAName()
    {
        var run = new RunOutputs();
        run.Claim(P("take.mp4"), new[] { Output(P("take.composition.mp4")) });
        run.Claim(P("take.mp4"), new[] { Output(P("take.composition.mp4")) });
        var e = Assert.Throws<OutputConflictException>(() => run.Claim(P("take.mov"), new[] { Output(P("take.composition.mp4")) }));
        Assert.Contains("take.mp4", e.Message);
        if (FileSystemNames.CaseSensitive) run.Claim(P("TAKE.mov"), new[] { Output(P("TAKE.composition.mp4")) });
    }

    [Fact]
    public void TerminationCancelsEveryRunAndWaitsForItsCleanUp()
    {
        // A registry of its own: the process's would also cancel conversions other tests run meanwhile.
        var signal = new TerminationSignal();
        using var stop = new CancellationTokenSource();
        var run = signal.Register(stop);
        bool cleanedUp = false;
        var worker = new Thread(() =>
        {
            stop.Token.WaitHandle.WaitOne();
            Thread.Sleep(300);
            cleanedUp = true;
            run.Dispose();
        });
        worker.Start();
        signal.StopAll(TimeSpan.FromSeconds(10));
        Assert.True(stop.IsCancellationRequested);
        Assert.True(cleanedUp);
        worker.Join();
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.Media;
using Rvm.Segments;
using Xunit;

namespace Rvm.Tests;

/// <summary>
/// The pieces of a conversion in chunks (issue 12) without ffmpeg: how parts cut the frames, the join's list, the
/// checkpoint and state files, and the work folder's rules for reuse.
/// </summary>
public sealed class SegmentTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rvm-segments-" + Guid.NewGuid().ToString("N"));

    public SegmentTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    // Time bases with one frame's ticks in them: NTSC in MP4, Matroska's milliseconds (33 ms frames), MPEG-TS, and a coarse 1/10.
    public static TheoryData<long, long, double, int> TimeBases()
    {
        var data = new TheoryData<long, long, double, int>();
        foreach (var (den, step) in new[] { (30000L, 1001L), (1000L, 33L), (90000L, 3003L), (10L, 1L) })
            foreach (var start in new[] { 0.0, 1.5, 10.1 })
                foreach (var parts in new[] { 2, 3, 7 })
                    data.Add(den, step, start, parts);
        return data;
    }

    [Theory]
    [MemberData(nameof(TimeBases))]
    public void PartsTakeEveryFrameExactlyOnceWhateverTheTimeBase(long den, long step, double fileStart, int parts)
    {
        var timeBase = new Rational(1, den);
        long startTicks = (long)Math.Round(fileStart * den);
        foreach (var duration in new[] { 1.0, 7.3, 100.1, 3600.5 })
        {
            // As SegmentPlanner cuts them: part k from duration*k/K to duration*(k+1)/K, the last one to the end.
            var windows = Enumerable.Range(0, parts).Select(k =>
            {
                var range = new PartRange(k, duration * k / parts, k + 1 < parts ? duration * (k + 1) / parts : (double?)null, k == 0 ? 0 : 1.0);
                return new PartRun(null!, null!, range, null, fileStart).Window(timeBase);
            }).ToList();
            for (int k = 0; k + 1 < parts; k++)
            {
                Assert.Equal(windows[k].To, windows[k + 1].From);
                Assert.True(windows[k + 1].PreRollFrom < windows[k + 1].From, "a later part warms its state on frames before its start");
            }
            Assert.Null(windows[parts - 1].To);

            long frames = (long)Math.Floor(duration * den / step);
            var taken = new int[frames + 1];
            for (long n = 0; n <= frames; n++)
            {
                long pts = startTicks + n * step;
                for (int k = 0; k < parts; k++)
                    if (pts >= windows[k].From && (windows[k].To is not long to || pts < to)) taken[n]++;
            }
            Assert.All(taken, count => Assert.Equal(1, count));
        }
    }

    [Theory]
    [InlineData(30000L, 1001L)]
    [InlineData(1000L, 33L)]
    [InlineData(90000L, 3003L)]
    [InlineData(10L, 1L)]
    public void ATimeOnAFrameIsThatFramesTimestamp(long den, long step)
    {
        // A boundary that falls on a frame (in binary floating point, a hair off it) belongs to that frame, not the next.
        var timeBase = new Rational(1, den);
        foreach (var fileStart in new[] { 0.0, 1.5, 10.1 })
        {
            long startTicks = (long)Math.Round(fileStart * den);
            for (long n = 0; n < 200_000; n += 37)
            {
                double seconds = (double)(n * step) / den;
                Assert.Equal(startTicks + n * step, PartRange.ToPts(seconds, fileStart, timeBase));
                Assert.Equal(startTicks + n * step + 1, PartRange.ToPts(seconds + 0.5 / den, fileStart, timeBase));
            }
        }
    }

    [Fact]
    public void ConcatListPlacesEachChunkAtItsStartWithoutDrift()
    {
        // 1000 chunks of 30 NTSC frames: starts as Matroska stores them, rounded to the microsecond.
        var chunks = Enumerable.Range(0, 1000).Select(c =>
        {
            long start = (long)Math.Round(c * 30 * 1001 / 30000.0 * 1_000_000, MidpointRounding.AwayFromZero) + 1_500_000;
            return new ChunkRecord(c, c * 30 * 1001, c * 30 * 1001 + 29 * 1001, 30, new[] { $"p000-c{c:000000}.alpha.mkv", $"p000-c{c:000000}.composition.mkv" },
                new[] { 10L, 20L }, new[] { start, start });
        }).ToList();
        var text = SegmentJoiner.ConcatList(chunks, 1);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ffconcat version 1.0", lines[0]);
        Assert.Equal(1 + 1000 + 999, lines.Length);
        Assert.Equal("file p000-c000000.composition.mkv", lines[1]);
        Assert.Equal("duration 1.001000", lines[2]);
        Assert.Equal("file p000-c000999.composition.mkv", lines[^1]);
        decimal total = lines.Where(l => l.StartsWith("duration ", StringComparison.Ordinal))
            .Sum(l => decimal.Parse(l.Substring(9), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((chunks[^1].Starts[1] - chunks[0].Starts[1]) / 1_000_000m, total);
        Assert.Equal("ffconcat version 1.0\nfile only.mkv\n", SegmentJoiner.ConcatList(new[] { Chunk(0, "only.mkv", 5) }, 0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StateSnapshotWritesWhatItReads(bool fp16)
    {
        var shapes = new[] { new long[] { 1, 16, 30, 40 }, new long[] { 1, 20, 15, 20 }, new long[] { 1, 40, 8, 10 }, new long[] { 1, 64, 4, 5 } };
        var saved = SavedState(shapes, fp16, seed: 3);
        using var reader = new BinaryReader(new MemoryStream(saved));
        using var state = StateSnapshot.ReadFrom(reader);
        Assert.Equal(fp16, state.IsFp16);
        Assert.Equal(shapes, state.Shapes);
        Assert.Equal(saved.Length - 1 - 4 * (4 + 4 * 8 + 4), state.ByteCount);
        // The tensors ONNX Runtime reads hold the saved values.
        long first = shapes[0].Aggregate(1L, (a, b) => a * b);
        var bytes = fp16
            ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(state.Values[0].GetTensorDataAsSpan<Float16>()).ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.AsBytes(state.Values[0].GetTensorDataAsSpan<float>()).ToArray();
        Assert.Equal(saved.Skip(1 + 4 + 4 * 8 + 4).Take((int)first * (fp16 ? 2 : 4)), bytes);

        using var again = new MemoryStream();
        using (var writer = new BinaryWriter(again, Encoding.UTF8, leaveOpen: true)) state.WriteTo(writer);
        Assert.Equal(saved, again.ToArray());
    }

    [Fact]
    public void StateSnapshotRefusesAStateThatDoesNotFit()
    {
        var shapes = new[] { new long[] { 1, 2, 3, 4 }, new long[] { 1, 2, 3, 4 }, new long[] { 1, 2, 3, 4 }, new long[] { 1, 2, 3, 4 } };
        var saved = SavedState(shapes, fp16: false, seed: 1);
        Assert.Throws<InvalidDataException>(() => StateSnapshot.ReadFrom(new BinaryReader(new MemoryStream(saved, 0, saved.Length - 7))));
        saved[1] = 3; // rank 3
        Assert.Throws<InvalidDataException>(() => StateSnapshot.ReadFrom(new BinaryReader(new MemoryStream(saved))));
    }

    [Fact]
    public void CheckpointLoadsWhatWasSaved()
    {
        var path = Path.Combine(_dir, "part-001.checkpoint");
        var chunks = new[] { Chunk(0, "p001-c000000.alpha.mkv", 1234, first: 3003, last: 3003 + 29 * 1001), Chunk(1, "p001-c000001.alpha.mkv", 999, first: 3003 + 30 * 1001, last: 3003 + 44 * 1001) };
        using (var state = State(seed: 5))
            new PartCheckpoint(1, "plan-a", new Rational(1, 30000), chunks, finished: false, state).Save(path);
        Assert.False(File.Exists(path + ".new"));

        using var loaded = PartCheckpoint.Load(path, "plan-a");
        Assert.Equal(1, loaded.Part);
        Assert.Equal("plan-a", loaded.Fingerprint);
        Assert.Equal(new Rational(1, 30000), loaded.TimeBase);
        Assert.False(loaded.Finished);
        Assert.Equal(45, loaded.FramesDone);
        Assert.Equal(3003 + 44 * 1001, loaded.LastPts);
        Assert.Equal(chunks.Select(Describe), loaded.Chunks.Select(Describe));
        using var expected = State(seed: 5);
        Assert.Equal(Saved(expected), Saved(loaded.State!));

        new PartCheckpoint(1, "plan-a", new Rational(1, 30000), chunks, finished: true, null).Save(path);
        using var finished = PartCheckpoint.Load(path, "plan-a");
        Assert.True(finished.Finished);
        Assert.Null(finished.State);
    }

    [Fact]
    public void CheckpointThatIsDamagedOrOfAnotherPlanIsRefused()
    {
        var path = Path.Combine(_dir, "part-000.checkpoint");
        using (var state = State(seed: 2))
            new PartCheckpoint(0, "plan-a", new Rational(1, 1000), new[] { Chunk(0, "p000-c000000.alpha.mkv", 10) }, finished: false, state).Save(path);
        var good = File.ReadAllBytes(path);

        var other = Assert.Throws<InvalidDataException>(() => PartCheckpoint.Load(path, "plan-b"));
        Assert.Contains("belongs to another plan", other.Message);

        var flipped = (byte[])good.Clone();
        flipped[good.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, flipped);
        Assert.Contains("checksum does not match", Assert.Throws<InvalidDataException>(() => PartCheckpoint.Load(path, "plan-a")).Message);

        foreach (var length in new[] { good.Length - 1, good.Length / 2, 20, 0 })
        {
            File.WriteAllBytes(path, good.Take(length).ToArray());
            Assert.Throws<InvalidDataException>(() => PartCheckpoint.Load(path, "plan-a"));
        }
    }

    [Fact]
    public void WorkFolderKeepsTheSamePlansCheckpoint()
    {
        var work = NewWorkFolder("plan-a", out var path);
        var verbose = new List<string>();
        var again = WorkFolder.Open(path, "plan-a", "description", parts: 1, outputs: 1, startOver: false, verbose.Add);
        Assert.Empty(verbose);
        Assert.Equal(30, again.Checkpoint(0)!.FramesDone);
        Assert.True(File.Exists(again.PathOf("p000-c000000.alpha.mkv")));
        Assert.StartsWith("plan-a\ndescription", File.ReadAllText(Path.Combine(path, "plan")), StringComparison.Ordinal);
        work.Delete();
        again.Delete();
        Assert.False(Directory.Exists(path));
    }

    [Theory]
    [InlineData("another plan", "it was made for another plan (the input, the outputs or the settings changed)")]
    [InlineData("flipped byte", "The checkpoint '{checkpoint}' is damaged (its checksum does not match)")]
    [InlineData("chunk missing", "the chunk 'p000-c000000.alpha.mkv' is missing")]
    [InlineData("chunk grown", "the chunk 'p000-c000000.alpha.mkv' is 11 bytes, not 10")]
    [InlineData("no plan", "it records no plan")]
    [InlineData("start over", "-Force starts over")]
    public void WorkFolderDiscardsWhatItCannotTrust(string damage, string why)
    {
        NewWorkFolder("plan-a", out var path);
        var checkpoint = Path.Combine(path, "part-000.checkpoint");
        var chunk = Path.Combine(path, "p000-c000000.alpha.mkv");
        switch (damage)
        {
            case "flipped byte":
                var bytes = File.ReadAllBytes(checkpoint);
                bytes[40] ^= 0x80;
                File.WriteAllBytes(checkpoint, bytes);
                break;
            case "chunk missing": File.Delete(chunk); break;
            case "chunk grown": File.AppendAllText(chunk, "x"); break;
            case "no plan": File.Delete(Path.Combine(path, "plan")); break;
        }
        var verbose = new List<string>();
        var opened = WorkFolder.Open(path, damage == "another plan" ? "plan-b" : "plan-a", "description", parts: 1, outputs: 1,
            startOver: damage == "start over", verbose.Add);
        // Another plan's folder goes whole; a damaged part starts over alone (its siblings may be batch tasks running elsewhere).
        var what = damage is "flipped byte" or "chunk missing" or "chunk grown" ? "part 0 of the work folder" : "the work folder";
        Assert.Equal($"Discarding {what} '{path}': {why.Replace("{checkpoint}", checkpoint)}.", Assert.Single(verbose));
        Assert.Null(opened.Checkpoint(0));
        // A fresh folder of the plan it was opened for: only its plan file.
        Assert.Equal(new[] { "plan" }, Directory.GetFileSystemEntries(path).Select(Path.GetFileName));
        opened.Delete();
    }

    [Fact]
    public void RemoveUnlistedRemovesOnlyThePartsChunksItsCheckpointDoesNotList()
    {
        var work = NewWorkFolder("plan-a", out var path);
        File.WriteAllText(work.PathOf("p000-c000001.alpha.mkv"), "being written");
        Directory.CreateDirectory(work.PathOf("p000-c000001.alpha.png"));
        File.WriteAllText(Path.Combine(work.PathOf("p000-c000001.alpha.png"), "000000.png"), "x");
        File.WriteAllText(work.PathOf("p001-c000000.alpha.mkv"), "another part's");
        var reopened = WorkFolder.Open(path, "plan-a", "description", parts: 2, outputs: 1, startOver: false, verbose: null);
        reopened.RemoveUnlisted(0);
        Assert.Equal(new[] { "p000-c000000.alpha.mkv", "p001-c000000.alpha.mkv", "part-000.checkpoint", "plan" },
            Directory.GetFileSystemEntries(path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        reopened.Delete();
    }

    /// <summary>A work folder of a plan with one checkpoint of part 0 listing one 10-byte chunk of 30 frames.</summary>
    private WorkFolder NewWorkFolder(string fingerprint, out string path)
    {
        path = Path.Combine(_dir, ".0123456789ab.rvm-work");
        var work = WorkFolder.Open(path, fingerprint, "description", parts: 1, outputs: 1, startOver: false, verbose: null);
        File.WriteAllBytes(work.PathOf("p000-c000000.alpha.mkv"), new byte[10]);
        using var state = State(seed: 7);
        work.Save(new PartCheckpoint(0, fingerprint, new Rational(1, 1000), new[] { Chunk(0, "p000-c000000.alpha.mkv", 10) }, finished: false, state));
        return work;
    }

    private static ChunkRecord Chunk(int index, string file, long size, long first = 0, long last = 29 * 33) =>
        new ChunkRecord(index, first, last, (last - first) / (last > 3000 ? 1001 : 33) + 1, new[] { file }, new[] { size }, new[] { first * 10L });

    private static string Describe(ChunkRecord c) =>
        $"{c.Index} {c.FirstPts} {c.LastPts} {c.Frames} {string.Join(",", c.Files)} {string.Join(",", c.Sizes)} {string.Join(",", c.Starts)}";

    /// <summary>What <see cref="StateSnapshot.WriteTo"/> writes for seeded random tensors of these shapes.</summary>
    private static byte[] SavedState(long[][] shapes, bool fp16, int seed)
    {
        var random = new Random(seed);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(fp16);
            foreach (var shape in shapes)
            {
                writer.Write(shape.Length);
                foreach (var d in shape) writer.Write(d);
                var data = new byte[shape.Aggregate(1L, (a, b) => a * b) * (fp16 ? 2 : 4)];
                random.NextBytes(data);
                writer.Write(data.Length);
                writer.Write(data);
            }
        }
        return buffer.ToArray();
    }

    private static StateSnapshot State(int seed)
    {
        var shapes = new[] { new long[] { 1, 16, 8, 8 }, new long[] { 1, 20, 4, 4 }, new long[] { 1, 40, 2, 2 }, new long[] { 1, 64, 1, 1 } };
        return StateSnapshot.ReadFrom(new BinaryReader(new MemoryStream(SavedState(shapes, fp16: false, seed))));
    }

    private static byte[] Saved(StateSnapshot state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) state.WriteTo(writer);
        return buffer.ToArray();
    }
}

/// <summary>A session restored from a saved state goes on exactly as the session that saved it: what resume relies on.</summary>
[Collection("model")]
public sealed class SessionRestoreTests
{
    private readonly ModelFixture _fixture;

    public SessionRestoreTests(ModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void ARestoredSessionContinuesBitIdentically()
    {
        // Six 320x240 frames at ratio 1 (the whole graph): the state is saved after frame 2 through the checkpoint's bytes.
        var frames = Enumerable.Range(0, 6).Select(i => Planar(ImageFileReader.Read(TestData.Golden("vtest-seq", $"frame_{i % 4:0000}.png"), i))).ToList();
        int width = 320, height = 240;
        var unbroken = new List<float[]>();
        byte[] saved;
        using (var session = new MattingSession(_fixture.Model, width, height, 1f))
        using (var matte = session.CreateBuffer())
        {
            StateSnapshot? snapshot = null;
            try
            {
                for (int i = 0; i < frames.Count; i++)
                {
                    session.LoadPlanarGbr(frames[i]);
                    if (i == 2)
                    {
                        snapshot = session.CreateSnapshot();
                        session.Run(matte, snapshot: snapshot);
                    }
                    else session.Run(matte);
                    if (i > 2) unbroken.Add((float[])matte.Alpha.Clone());
                }
                using var buffer = new MemoryStream();
                using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) snapshot!.WriteTo(writer);
                saved = buffer.ToArray();
            }
            finally { snapshot?.Dispose(); }
        }

        using var restored = StateSnapshot.ReadFrom(new BinaryReader(new MemoryStream(saved)));
        using var resumed = new MattingSession(_fixture.Model, width, height, 1f);
        using var output = resumed.CreateBuffer();
        resumed.Restore(restored);
        for (int i = 3; i < frames.Count; i++)
        {
            resumed.LoadPlanarGbr(frames[i]);
            resumed.Run(output);
            Assert.True(unbroken[i - 3].AsSpan().SequenceEqual(output.Alpha), $"frame {i}'s alpha differs after the restore");
        }
        Assert.Throws<InvalidOperationException>(() => resumed.Restore(restored));
    }

    private static byte[] Planar(RgbFrame frame)
    {
        int plane = frame.Width * frame.Height;
        var gbrp = new byte[3 * plane];
        PlanarPixels.RgbToGbrPlanes(frame.Pixels, gbrp, plane);
        return gbrp;
    }
}

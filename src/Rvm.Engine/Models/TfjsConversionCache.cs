using System;
using System.IO;
using System.Linq;
using Rvm.Conversion;
using Rvm.IO;

namespace Rvm.Models;

/// <summary>
/// Converted TFJS models, keyed by the hash of their source files and the converter's version, so a
/// second import loads the ONNX file instead of converting again. A conversion of the official export is checked
/// on every use against the pins in <see cref="ModelCatalog.ConvertedTfjsExport"/>; any other against the .sha256
/// written beside it. A damaged entry is converted again, never loaded.
/// </summary>
internal static class TfjsConversionCache
{
    /// <summary>Bump when the converter's output changes, so old conversions are not reused (and pin the new output).</summary>
    public const int ConverterVersion = 6;

    public static ConvertedModel GetOrConvert(string modelJson, ModelCache cache, ModelLog log, out string sourceSha256)
    {
        var jsonBytes = File.ReadAllBytes(modelJson);
        // The key covers every byte the conversion reads.
        var shardHashes = TfjsGraphModel.ShardPaths(modelJson, jsonBytes).Select(FileHash.Sha256).ToList();
        var jsonSha = FileHash.Sha256(jsonBytes);
        sourceSha256 = jsonSha;
        var key = FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(
            $"v{ConverterVersion}|{jsonSha}|{string.Join("|", shardHashes)}")).Substring(0, 16);
        var target = cache.PathOf("converted", $"rvm_tfjs_{key}.onnx");
        var coefficients = cache.PathOf("converted", $"rvm_tfjs_{key}.coefficients.onnx");
        bool official = jsonSha == ModelCatalog.TfjsModelJson.Sha256 && shardHashes.SequenceEqual(new[] { ModelCatalog.TfjsWeights.Sha256 });
        var pins = official ? ModelCatalog.ConvertedTfjsExport(ConverterVersion) : null;
        if (IsIntact(target, pins?.Onnx, log, out var onnxSha) && IsIntact(coefficients, pins?.Coefficients, log, out _))
        {
            log.Say($"Using the converted model cached at '{target}'.");
            return new ConvertedModel(target, onnxSha, coefficients);
        }

        log.Say($"Converting the TensorFlow.js model '{modelJson}' to ONNX.");
        var graph = TfjsGraphModel.Load(modelJson);
        onnxSha = Write(target, TfjsToOnnxConverter.Convert(graph).ToBytes(), pins?.Onnx, log);
        Write(coefficients, TfjsToOnnxConverter.ConvertCoefficients(graph).ToBytes(), pins?.Coefficients, log);
        return new ConvertedModel(target, onnxSha, coefficients);
    }

    internal static bool IsIntact(string path, PinnedFile? pin, ModelLog log, out string sha256)
    {
        sha256 = "";
        var shaFile = path + ".sha256";
        if (!File.Exists(path) || (pin == null && !File.Exists(shaFile))) return false;
        var actual = FileHash.Sha256(path);
        // The pin lives in the code: a writer that replaced both the file and its .sha256 is still caught.
        var expected = pin?.Sha256 ?? File.ReadAllText(shaFile).Trim();
        if (actual == expected)
        {
            sha256 = actual;
            return true;
        }
        log.Warn($"The cached conversion '{path}' has SHA-256 {actual}, not {expected}; converting again.");
        return false;
    }

    /// <summary>Writes the file and its .sha256 under temporary names and renames them in; returns its SHA-256.</summary>
    internal static string Write(string target, byte[] bytes, PinnedFile? pin, ModelLog log)
    {
        var sha = FileHash.Sha256(bytes);
        if (pin != null && sha != pin.Sha256)
            log.Warn($"Converting RVM's TensorFlow.js export gave {pin.FileName} with SHA-256 {sha}, not the {pin.Sha256} converter version {ConverterVersion} " +
                "is pinned to make; it is used, and converted again next time.");
        var shaFile = target + ".sha256";
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = CacheTemporaries.NameFor(target);
        var tempSha = CacheTemporaries.NameFor(shaFile);
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.WriteAllText(tempSha, sha);
            // The .sha256 goes first: a run killed between the two renames leaves a hash with no file, or an older
            // file with a newer hash that it fails, never a file that a stale hash vouches for.
            AtomicFile.Commit(tempSha, shaFile);
            AtomicFile.Commit(temp, target);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
            AtomicFile.TryDelete(tempSha);
        }
        log.Say($"Converted model written to '{target}' ({bytes.Length:N0} bytes, SHA-256 {sha}).");
        return sha;
    }
}

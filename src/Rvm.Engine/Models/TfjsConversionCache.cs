using System;
using System.IO;
using System.Linq;
using Rvm.Conversion;
using Rvm.IO;

namespace Rvm.Models;

/// <summary>
/// Converted TFJS models, keyed by the hash of their source files and the converter's version, so a
/// second import loads the ONNX file instead of converting again. Each file has a .sha256 beside it and is
/// checked on every use; a damaged entry is converted again, never loaded.
/// </summary>
internal static class TfjsConversionCache
{
    /// <summary>Bump when the converter's output changes, so old conversions are not reused.</summary>
    public const int ConverterVersion = 5;

    public static ConvertedModel GetOrConvert(string modelJson, ModelCache cache, ModelLog log, out string sourceSha256)
    {
        var jsonBytes = File.ReadAllBytes(modelJson);
        // The key covers every byte the conversion reads.
        var shardHashes = TfjsGraphModel.ShardPaths(modelJson, jsonBytes).Select(FileHash.Sha256);
        var jsonSha = FileHash.Sha256(jsonBytes);
        sourceSha256 = jsonSha;
        var key = FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(
            $"v{ConverterVersion}|{jsonSha}|{string.Join("|", shardHashes)}")).Substring(0, 16);
        var target = cache.PathOf("converted", $"rvm_tfjs_{key}.onnx");
        var coefficients = cache.PathOf("converted", $"rvm_tfjs_{key}.coefficients.onnx");
        if (IsIntact(target, log) && IsIntact(coefficients, log))
        {
            log.Say($"Using the converted model cached at '{target}'.");
            return new ConvertedModel(target, coefficients);
        }

        log.Say($"Converting the TensorFlow.js model '{modelJson}' to ONNX.");
        var graph = TfjsGraphModel.Load(modelJson);
        Write(target, TfjsToOnnxConverter.Convert(graph).ToBytes(), log);
        Write(coefficients, TfjsToOnnxConverter.ConvertCoefficients(graph).ToBytes(), log);
        return new ConvertedModel(target, coefficients);
    }

    private static bool IsIntact(string path, ModelLog log)
    {
        var shaFile = path + ".sha256";
        if (!File.Exists(path) || !File.Exists(shaFile)) return false;
        if (FileHash.Sha256(path) == File.ReadAllText(shaFile).Trim()) return true;
        log.Warn($"The cached conversion '{path}' is damaged; converting again.");
        return false;
    }

    private static void Write(string target, byte[] bytes, ModelLog log)
    {
        var shaFile = target + ".sha256";
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = CacheTemporaries.NameFor(target);
        var tempSha = CacheTemporaries.NameFor(shaFile);
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.WriteAllText(tempSha, FileHash.Sha256(bytes));
            AtomicFile.Commit(temp, target);
            AtomicFile.Commit(tempSha, shaFile);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
            AtomicFile.TryDelete(tempSha);
        }
        log.Say($"Converted model written to '{target}' ({bytes.Length:N0} bytes).");
    }
}

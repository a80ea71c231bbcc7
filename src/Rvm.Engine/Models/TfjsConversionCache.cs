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
    public const int ConverterVersion = 3;

    public static string GetOrConvert(string modelJson, ModelCache cache, ModelLog log, out string sourceSha256)
    {
        var jsonBytes = File.ReadAllBytes(modelJson);
        // The key covers every byte the conversion reads.
        var shardHashes = TfjsGraphModel.ShardPaths(modelJson, jsonBytes).Select(FileHash.Sha256);
        var jsonSha = FileHash.Sha256(jsonBytes);
        sourceSha256 = jsonSha;
        var key = FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(
            $"v{ConverterVersion}|{jsonSha}|{string.Join("|", shardHashes)}")).Substring(0, 16);
        var target = cache.PathOf("converted", $"rvm_tfjs_{key}.onnx");
        var shaFile = target + ".sha256";
        if (File.Exists(target) && File.Exists(shaFile))
        {
            var expected = File.ReadAllText(shaFile).Trim();
            if (FileHash.Sha256(target) == expected)
            {
                log.Say($"Using the converted model cached at '{target}'.");
                return target;
            }
            log.Warn($"The cached conversion '{target}' is damaged; converting again.");
        }

        log.Say($"Converting the TensorFlow.js model '{modelJson}' to ONNX.");
        var bytes = TfjsToOnnxConverter.Convert(TfjsGraphModel.Load(modelJson)).ToBytes();
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = AtomicFile.TempNameFor(target);
        var tempSha = AtomicFile.TempNameFor(shaFile);
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
        return target;
    }
}

using System.IO;
using System.Linq;
using System.Text;
using Rvm.Conversion;
using Rvm.Conversion.Quantization;

namespace Rvm.Models;

/// <summary>
/// The int8 coefficient cut of a converted TFJS model, quantized once and cached beside the fp32 conversion. Keyed
/// by the fp32 cut's SHA-256, the quantizer's version and the calibration clips' hashes; written like the other
/// conversions (temporary names renamed in, a .sha256 beside it), so an interrupted quantization leaves the old
/// entry or none, and a damaged one is quantized again, never loaded.
/// </summary>
internal static class QuantizedModelCache
{
    /// <summary>Bump when the quantizer's or calibration's output changes, so old int8 models are not reused.</summary>
    public const int QuantizerVersion = 1;

    /// <summary>The int8 cut's path, quantizing the fp32 cut at <paramref name="fp32Coefficients"/> (converted from <paramref name="modelJson"/>) when it is not cached.</summary>
    public static string GetOrQuantize(string modelJson, string fp32Coefficients, ModelCache cache, ModelLog log, string? calibrationFolder = null)
    {
        var folder = calibrationFolder ?? QuantizationCalibrator.DefaultFolder();
        var clips = QuantizationCalibrator.Clips.Select(c => Path.Combine(folder, c.File)).ToList();
        var missing = clips.FirstOrDefault(c => !File.Exists(c));
        if (missing != null) throw new FileNotFoundException($"The calibration clip '{missing}' is missing; the module is incomplete (reinstall it).", missing);
        var key = FileHash.Sha256(Encoding.UTF8.GetBytes(
            $"int8 v{QuantizerVersion}|{FileHash.Sha256(fp32Coefficients)}|{string.Join("|", clips.Select(FileHash.Sha256))}")).Substring(0, 16);
        var target = cache.PathOf("converted", $"rvm_tfjs_int8_{key}.coefficients.onnx");
        if (TfjsConversionCache.IsIntact(target, null, log, out _))
        {
            log.Say($"Using the int8 model cached at '{target}'.");
            return target;
        }
        log.Say($"Quantizing the network to int8, calibrated on {string.Join(" and ", QuantizationCalibrator.Clips.Select(c => c.File))} (once; it is cached).");
        var cut = TfjsToOnnxConverter.ConvertCoefficients(TfjsGraphModel.Load(modelJson));
        var ranges = QuantizationCalibrator.Record(cut, QdqQuantizer.CalibrationTensors(cut.Graph), folder);
        int quantized = QdqQuantizer.Apply(cut.Graph, ranges);
        log.Say($"{quantized} convolutions quantized to int8.");
        TfjsConversionCache.Write(target, cut.ToBytes(), null, log);
        return target;
    }
}

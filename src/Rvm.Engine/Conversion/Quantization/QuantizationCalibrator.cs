using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Rvm.Inference;
using Rvm.Media;
using Rvm.Onnx;

namespace Rvm.Conversion.Quantization;

/// <summary>
/// Records the range of each activation that <see cref="QdqQuantizer"/> quantizes by running the float coefficient
/// cut over the calibration clips shipped with the module, each a sequence with its recurrent state carried from
/// frame to frame as in a video (the states' own ranges settle only after a few frames). The clips are read at the
/// network's own resolution, as the video path feeds the cut. Two passes: the extremes, then a histogram between
/// them, from which each range is the one of least quantization error (<see cref="ActivationHistogram"/>).
/// </summary>
internal static class QuantizationCalibrator
{
    /// <summary>The calibration clips, in the order they are run, and the size each is read at.</summary>
    public static readonly (string File, int Width, int Height, int Repeats)[] Clips =
    {
        ("street.mp4", 384, 288, 1),
        // A still picture is run as a short sequence, so the state it builds is calibrated too.
        ("astronaut.jpg", 384, 384, 4),
    };

    /// <summary>Where the module keeps the calibration clips: calibration/ beside the engine.</summary>
    public static string DefaultFolder() =>
        Path.Combine(Path.GetDirectoryName(typeof(QuantizationCalibrator).Assembly.Location)!, "calibration");

    /// <summary>The ranges of <paramref name="tensors"/> over every calibration frame, run through the cut on <paramref name="threads"/> CPU threads.</summary>
    public static Dictionary<string, ActivationRange> Record(OnnxModel coefficientCut, IReadOnlyList<string> tensors, string folder, int threads = 0)
    {
        var graph = coefficientCut.Graph;
        var declared = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        var added = tensors.Where(t => !declared.Contains(t)).Select(t => new OnnxValueInfo(t, OnnxDataType.Float, null)).ToList();
        graph.Outputs.AddRange(added);
        byte[] bytes;
        try
        {
            bytes = coefficientCut.ToBytes();
        }
        finally
        {
            graph.Outputs.RemoveRange(graph.Outputs.Count - added.Count, added.Count);
        }

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0) options.IntraOpNumThreads = threads;
        using var session = new InferenceSession(bytes, options);
        // Two passes: the first finds each activation's extremes, the second its histogram between them.
        var extremes = new Dictionary<string, ActivationRange>(StringComparer.Ordinal);
        Sweep(session, tensors, folder, (name, values) => Include(extremes, name, values));
        var histograms = extremes.ToDictionary(e => e.Key, e => new ActivationHistogram(e.Value), StringComparer.Ordinal);
        Sweep(session, tensors, folder, (name, values) => histograms[name].Add(values));
        return histograms.ToDictionary(h => h.Key, h => h.Value.BestRange(), StringComparer.Ordinal);
    }

    private delegate void ValuesAction(string tensor, ReadOnlySpan<float> values);

    /// <summary>Runs every calibration frame through the session and hands each recorded tensor's values to <paramref name="record"/>.</summary>
    private static void Sweep(InferenceSession session, IReadOnlyList<string> tensors, string folder, ValuesAction record)
    {
        var outputNames = tensors.Concat(ModelContract.StateOutputs).Distinct(StringComparer.Ordinal).ToArray();
        var inputNames = new[] { TfjsToOnnxConverter.SmallSourceInput }.Concat(ModelContract.StateInputs).ToArray();
        foreach (var (file, width, height, repeats) in Clips)
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"The calibration clip '{path}' is missing; the module is incomplete.", path);
            var states = Enumerable.Range(0, 4).Select(_ => (Values: new float[1], Shape: new long[] { 1, 1, 1, 1 })).ToArray();
            foreach (var pixels in Frames(path, width, height).SelectMany(f => Enumerable.Repeat(f, repeats)))
            {
                var src = new float[3 * width * height];
                FrameTensors.ToPlanar(pixels, width, height, src);
                var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(src, new long[] { 1, 3, height, width }) };
                inputs.AddRange(states.Select(s => OrtValue.CreateTensorValueFromMemory(s.Values, s.Shape)));
                try
                {
                    using var runOptions = new RunOptions();
                    using var outputs = session.Run(runOptions, inputNames, inputs, outputNames);
                    for (int i = 0; i < outputNames.Length; i++)
                    {
                        var values = outputs[i].GetTensorDataAsSpan<float>();
                        if (i < tensors.Count) record(outputNames[i], values);
                        int state = Array.IndexOf(ModelContract.StateOutputs, outputNames[i]);
                        if (state >= 0) states[state] = (values.ToArray(), outputs[i].GetTensorTypeAndShape().Shape);
                    }
                }
                finally
                {
                    foreach (var v in inputs) v.Dispose();
                }
            }
        }
    }

    private static void Include(Dictionary<string, ActivationRange> ranges, string name, ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var range = new ActivationRange(min, max);
        ranges[name] = ranges.TryGetValue(name, out var seen) ? seen.Including(range) : range;
    }

    private static IEnumerable<byte[]> Frames(string path, int width, int height)
    {
        using var reader = new VideoFrameReader(path, width, height);
        while (true)
        {
            var buffer = new byte[width * height * 3];
            if (!reader.TryRead(buffer, out _)) yield break;
            yield return buffer;
        }
    }
}

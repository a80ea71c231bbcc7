using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rvm.Imaging;
using Rvm.Inference;

namespace Rvm.Diagnostics;

/// <summary>
/// How far a model of another precision (Int8) strays from TensorFlow.js and from fp32 on the golden cases of
/// tests/golden, each run the way the module runs it: ratio 1 through the whole graph, ratios below 1 through the
/// video path (on the CPU, the coefficient cut and the C# tail).
/// </summary>
public static class PrecisionFidelity
{
    /// <summary>The golden cases: input folder, output folder, ratio, frames (the same as the reference fidelity tests).</summary>
    public static readonly IReadOnlyList<(string Input, string RatioFolder, float Ratio, int Frames)> Cases = new[]
    {
        ("astronaut", "r1", 1.0f, 1),
        ("astronaut", "r05", 0.5f, 1),
        ("odd-509x381", "r1", 1.0f, 1),
        ("odd-509x381", "r037", 0.37f, 1),
        ("vtest-seq", "r0375", 0.375f, 8),
    };

    /// <summary>Runs every golden case with <paramref name="model"/> and <paramref name="reference"/>; <paramref name="goldenFolder"/> is tests/golden.</summary>
    public static IReadOnlyList<PrecisionFidelityCase> Measure(RvmModel model, RvmModel reference, string goldenFolder) =>
        Cases.Select(c => Measure(model, reference, goldenFolder, c.Input, c.RatioFolder, c.Ratio, c.Frames)).ToList();

    public static PrecisionFidelityCase Measure(RvmModel model, RvmModel reference, string goldenFolder, string input, string ratioFolder, float ratio, int frames)
    {
        var paths = Enumerable.Range(0, frames).Select(i => Path.Combine(goldenFolder, input, $"frame_{i:0000}.png")).ToList();
        var alphas = Run(model, paths, ratio);
        var referenceAlphas = Run(reference, paths, ratio);
        var result = new PrecisionFidelityCase { Case = $"{input}/{ratioFolder}", DownsampleRatio = ratio, Frames = frames };
        double sum = 0, referenceSum = 0;
        long count = 0;
        for (int i = 0; i < frames; i++)
        {
            var golden = GoldenImage.Decode16(Path.Combine(goldenFolder, input, ratioFolder, $"pha_{i:0000}.png"), "gray16le");
            if (golden.Length != alphas[i].Length) throw new InvalidDataException($"The golden alpha of {input}/{ratioFolder} frame {i} has {golden.Length} pixels, the model's {alphas[i].Length}.");
            for (int p = 0; p < golden.Length; p++)
            {
                double d = Math.Abs(alphas[i][p] - golden[p]), r = Math.Abs(referenceAlphas[i][p] - golden[p]);
                sum += d;
                referenceSum += r;
                result.AlphaMax = Math.Max(result.AlphaMax, d);
                result.ReferenceAlphaMax = Math.Max(result.ReferenceAlphaMax, r);
            }
            count += golden.Length;
        }
        result.AlphaMae = sum / count;
        result.ReferenceAlphaMae = referenceSum / count;
        if (frames > 1)
        {
            double change = 0, referenceChange = 0, changeError = 0;
            long pairs = 0;
            for (int i = 1; i < frames; i++)
                for (int p = 0; p < alphas[i].Length; p++)
                {
                    double d = alphas[i][p] - alphas[i - 1][p], r = referenceAlphas[i][p] - referenceAlphas[i - 1][p];
                    change += Math.Abs(d);
                    referenceChange += Math.Abs(r);
                    changeError += Math.Abs(d - r);
                    pairs++;
                }
            result.MeanFrameChange = change / pairs;
            result.ReferenceMeanFrameChange = referenceChange / pairs;
            result.FrameChangeError = changeError / pairs;
        }
        return result;
    }

    /// <summary>Each frame's alpha, the recurrent state carried across the sequence.</summary>
    private static List<float[]> Run(RvmModel model, IReadOnlyList<string> frames, float ratio)
    {
        var alphas = new List<float[]>();
        if (ratio >= 1)
        {
            var state = RecurrentState.Initial;
            for (int i = 0; i < frames.Count; i++)
            {
                var result = model.Process(ImageFileReader.Read(frames[i], i), ratio, state);
                state = result.State;
                alphas.Add(result.Alpha);
            }
            return alphas;
        }
        FullMatteSession? session = null;
        MatteBuffer? matte = null;
        try
        {
            for (int i = 0; i < frames.Count; i++)
            {
                var frame = ImageFileReader.Read(frames[i], i);
                int plane = frame.Width * frame.Height;
                session ??= new FullMatteSession(model, frame.Width, frame.Height, ratio);
                matte ??= session.CreateBuffer();
                var gbrp = new byte[3 * plane];
                PlanarPixels.RgbToGbrPlanes(frame.Pixels, gbrp, plane);
                session.LoadPlanarGbr(gbrp);
                session.Run(matte);
                alphas.Add(matte.Alpha.ToArray());
            }
            return alphas;
        }
        finally
        {
            matte?.Dispose();
            session?.Dispose();
        }
    }
}

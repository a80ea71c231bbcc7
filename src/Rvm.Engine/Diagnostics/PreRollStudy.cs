using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Rvm.Inference;
using Rvm.Media;

namespace Rvm.Diagnostics;

/// <summary>
/// How much pre-roll a segment of a video needs. RVM is recurrent, so a segment converted on its own starts from
/// an empty state: here a video is run once sequentially, then as segments split at given boundaries, each
/// segment after the first started P frames before its boundary (those frames only warm the state, their
/// outputs discarded), and each frame's alpha is compared with the sequential run's. Optionally a segment's
/// first W frames are crossfaded from the previous segment's alpha, the previous segment running W frames
/// past its end. The frames are decoded once and kept in memory with the sequential alpha: for short clips.
/// </summary>
public static class PreRollStudy
{
    /// <summary>The per-frame MAE a segment must settle to (the target for the video's mean).</summary>
    public const double SettledMae = 2e-3;

    // Every frame (3 bytes a pixel) and its sequential alpha (4) stay in memory: 300 frames at 768x576 are 0.9 GB.
    private const long MaxHeldBytes = 4L << 30;

    /// <param name="path">The clip, decoded at <paramref name="width"/>x<paramref name="height"/> as a conversion reads it.</param>
    /// <param name="boundaries">First frames of the segments after the first, increasing, inside the clip.</param>
    /// <param name="preRolls">The pre-roll lengths P to measure.</param>
    /// <param name="overlaps">Crossfade lengths W to measure besides none (0).</param>
    /// <param name="ratio">The downsample ratio; the conversion's automatic one when null.</param>
    /// <param name="maxFrames">Reads only the clip's first frames.</param>
    /// <returns>One result per pre-roll and overlap, pre-roll first.</returns>
    public static IReadOnlyList<PreRollResult> Run(RvmModel model, string path, int width, int height, IReadOnlyList<int> boundaries,
        IReadOnlyList<int> preRolls, IReadOnlyList<int>? overlaps = null, float? ratio = null, int maxFrames = int.MaxValue,
        CancellationToken cancel = default)
    {
        if (boundaries.Count == 0) throw new ArgumentException("At least one boundary is needed.", nameof(boundaries));
        for (int k = 0; k < boundaries.Count; k++)
            if (boundaries[k] < 1 || (k > 0 && boundaries[k] <= boundaries[k - 1]))
                throw new ArgumentException($"Boundaries must be increasing and after frame 0: {string.Join(", ", boundaries)}.", nameof(boundaries));
        if (preRolls.Any(p => p < 0)) throw new ArgumentOutOfRangeException(nameof(preRolls), "A pre-roll is 0 frames or more.");
        var blends = new[] { 0 }.Concat(overlaps ?? Array.Empty<int>()).Distinct().OrderBy(w => w).ToArray();
        if (blends[0] < 0) throw new ArgumentOutOfRangeException(nameof(overlaps), "An overlap is 0 frames or more.");
        float r = ratio ?? DownsampleRatio.Auto(width, height);

        var frames = Decode(path, width, height, maxFrames, cancel);
        int last = boundaries[boundaries.Count - 1];
        if (last >= frames.Count)
            throw new ArgumentException($"'{path}' has {frames.Count} frames: the boundary at frame {last} is not inside it.", nameof(boundaries));
        var reference = RunSequential(model, frames, width, height, r, cancel);

        var results = new List<PreRollResult>();
        foreach (int preRoll in preRolls)
        {
            var errors = RunSegmented(model, frames, reference, width, height, r, boundaries, preRoll, blends, cancel);
            for (int i = 0; i < blends.Length; i++) results.Add(Summarise(preRoll, blends[i], errors[i], boundaries));
        }
        return results;
    }

    private static List<byte[]> Decode(string path, int width, int height, int maxFrames, CancellationToken cancel)
    {
        var frames = new List<byte[]>();
        long perFrame = 7L * width * height;
        using var reader = new VideoFrameReader(path, width, height, planar: true, cancel: cancel);
        while (frames.Count < maxFrames)
        {
            if ((frames.Count + 1) * perFrame > MaxHeldBytes)
                throw new InvalidOperationException(
                    $"'{path}' is too long for the pre-roll study at {width}x{height}: it keeps every frame and its alpha in memory, at most {MaxHeldBytes >> 20} MB ({frames.Count} frames); give fewer frames.");
            var frame = new byte[reader.FrameBytes];
            if (!reader.TryRead(frame, out _)) break;
            frames.Add(frame);
        }
        return frames;
    }

    /// <summary>Every frame's alpha with the state carried through the whole clip: what a conversion in one piece gives.</summary>
    private static float[][] RunSequential(RvmModel model, List<byte[]> frames, int width, int height, float ratio, CancellationToken cancel)
    {
        var alpha = new float[frames.Count][];
        using var session = new FullMatteSession(model, width, height, ratio);
        using var matte = session.CreateBuffer();
        for (int f = 0; f < frames.Count; f++)
        {
            session.LoadPlanarGbr(frames[f]);
            session.Run(matte, cancel);
            alpha[f] = (float[])matte.Alpha.Clone();
        }
        return alpha;
    }

    /// <summary>Each frame's MAE against the sequential run, for each overlap in <paramref name="blends"/>, with segments that pre-roll <paramref name="preRoll"/> frames.</summary>
    private static double[][] RunSegmented(RvmModel model, List<byte[]> frames, float[][] reference, int width, int height, float ratio,
        IReadOnlyList<int> boundaries, int preRoll, int[] blends, CancellationToken cancel)
    {
        int n = frames.Count, longest = blends[blends.Length - 1];
        var errors = blends.Select(_ => new double[n]).ToArray();
        // The previous segment's alpha for the frames after its end, which a crossfade blends from. The first
        // segment starts at frame 0 with no state: it is the sequential run.
        var previous = new float[longest][];
        for (int i = 0; i < longest && boundaries[0] + i < n; i++) previous[i] = reference[boundaries[0] + i];
        for (int k = 0; k < boundaries.Count; k++)
        {
            int boundary = boundaries[k], end = k + 1 < boundaries.Count ? boundaries[k + 1] : n;
            int runEnd = Math.Min(n, end + longest);
            var past = new float[longest][];
            using var session = new FullMatteSession(model, width, height, ratio);
            using var matte = session.CreateBuffer();
            for (int f = Math.Max(0, boundary - preRoll); f < runEnd; f++)
            {
                session.LoadPlanarGbr(frames[f]);
                session.Run(matte, cancel);
                if (f < boundary) continue;
                if (f >= end)
                {
                    past[f - end] = (float[])matte.Alpha.Clone();
                    continue;
                }
                int after = f - boundary;
                double plain = Mae(matte.Alpha, reference[f]);
                for (int b = 0; b < blends.Length; b++)
                    errors[b][f] = after < blends[b] ? BlendedMae(previous[after], matte.Alpha, (after + 1.0) / (blends[b] + 1), reference[f]) : plain;
            }
            previous = past;
        }
        return errors;
    }

    private static double Mae(float[] alpha, float[] reference)
    {
        double sum = 0;
        for (int p = 0; p < alpha.Length; p++) sum += Math.Abs(alpha[p] - reference[p]);
        return sum / alpha.Length;
    }

    /// <summary>The MAE of <paramref name="from"/> faded towards <paramref name="to"/> by <paramref name="weight"/> (0 all from, 1 all to).</summary>
    private static double BlendedMae(float[] from, float[] to, double weight, float[] reference)
    {
        double sum = 0;
        for (int p = 0; p < to.Length; p++) sum += Math.Abs(from[p] + weight * (to[p] - from[p]) - reference[p]);
        return sum / to.Length;
    }

    private static PreRollResult Summarise(int preRoll, int overlap, double[] frameMae, IReadOnlyList<int> boundaries)
    {
        var result = new PreRollResult { PreRoll = preRoll, Overlap = overlap, Frames = frameMae.Length, FrameMae = frameMae, WorstMae = -1 };
        int n = frameMae.Length;
        for (int k = 0; k < boundaries.Count; k++)
        {
            int boundary = boundaries[k], end = k + 1 < boundaries.Count ? boundaries[k + 1] : n, lastAbove = -1;
            for (int f = boundary; f < end; f++)
            {
                if (frameMae[f] > result.WorstMae) (result.WorstMae, result.WorstFrame, result.WorstBoundary) = (frameMae[f], f, boundary);
                if (frameMae[f] > SettledMae) lastAbove = f;
            }
            result.FramesAboveTarget = Math.Max(result.FramesAboveTarget, lastAbove + 1 - boundary);
            if (lastAbove == end - 1) result.NeverSettled = true;
        }
        result.MeanMae = frameMae.Sum() / n;
        return result;
    }
}

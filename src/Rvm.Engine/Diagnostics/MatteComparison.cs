using System;
using Rvm.Media;

namespace Rvm.Diagnostics;

/// <summary>Two matte videos of the same size compared frame by frame, for the device check's CPU against GPU fidelity.</summary>
public static class MatteComparison
{
    /// <summary>The mean absolute difference of the two videos' first plane over every frame, in [0, 1]; the videos must have as many frames.</summary>
    public static double MeanAbsoluteError(string first, string second, int width, int height)
    {
        using var a = new VideoFrameReader(first, width, height, planar: true);
        using var b = new VideoFrameReader(second, width, height, planar: true);
        var frameA = new byte[a.FrameBytes];
        var frameB = new byte[b.FrameBytes];
        int plane = width * height;
        long sum = 0, frames = 0;
        while (true)
        {
            bool moreA = a.TryRead(frameA, out _), moreB = b.TryRead(frameB, out _);
            if (moreA != moreB) throw new InvalidOperationException($"'{first}' and '{second}' differ in length: one ended after {frames} frames.");
            if (!moreA) break;
            for (int p = 0; p < plane; p++) sum += Math.Abs(frameA[p] - frameB[p]);
            frames++;
        }
        if (frames == 0) throw new InvalidOperationException($"'{first}' has no frames.");
        return sum / (255.0 * plane * frames);
    }
}

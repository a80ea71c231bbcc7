using System;
using System.IO;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.Models;
using Xunit;
using Xunit.Abstractions;

namespace Rvm.Tests;

/// <summary>
/// The converted network against TensorFlow.js running the same TFJS model (tests/golden, made by
/// tests/golden/make-golden.sh). Both branches of the graph (ratio 1 and ratio &lt; 1) are covered. With
/// RVM_EXPECT_CUDA=1 they run on the GPU (the device check), where the video path runs the whole graph.
/// </summary>
[Collection("model")]
public sealed class ReferenceFidelityTests
{
    private readonly ModelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public ReferenceFidelityTests(ModelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Theory]
    [InlineData("astronaut", "r1", 1.0f, 1)]
    [InlineData("astronaut", "r05", 0.5f, 1)]
    [InlineData("odd-509x381", "r1", 1.0f, 1)]
    [InlineData("odd-509x381", "r037", 0.37f, 1)]
    [InlineData("vtest-seq", "r0375", 0.375f, 8)]
    public void MatchesTensorFlowJs(string input, string ratioFolder, float ratio, int frames)
    {
        var state = RecurrentState.Initial;
        for (int i = 0; i < frames; i++)
        {
            var frame = ImageFileReader.Read(TestData.Golden(input, $"frame_{i:0000}.png"), i);
            var result = _fixture.Model.Process(frame, ratio, state);
            state = result.State;

            var alpha = TestData.Decode16(TestData.Golden(input, ratioFolder, $"pha_{i:0000}.png"), "gray16le");
            var foreground = TestData.Decode16(TestData.Golden(input, ratioFolder, $"fgr_{i:0000}.png"), "rgb48le");
            Check(Compare(result.Alpha, result.Foreground, interleaved: true, alpha, foreground), $"{input}/{ratioFolder} frame {i}");
        }
    }

    /// <summary>
    /// The video path: at ratios below 1 ONNX Runtime stops at the guided filter's coefficients and the
    /// full-resolution tail is computed in C# (<see cref="GuidedFilterTail"/>); it must agree with TFJS as closely.
    /// </summary>
    [Theory]
    [InlineData("astronaut", "r05", 0.5f, 1)]
    [InlineData("odd-509x381", "r037", 0.37f, 1)]
    [InlineData("vtest-seq", "r0375", 0.375f, 8)]
    public void VideoPathMatchesTensorFlowJs(string input, string ratioFolder, float ratio, int frames)
    {
        Assert.Equal(!ModelFixture.ExpectCuda && ModelFixture.Precision == RvmPrecision.Fp32, _fixture.Model.CoefficientSession != null);
        Rvm.Diagnostics.FullMatteSession? session = null;
        MatteBuffer? matte = null;
        try
        {
            for (int i = 0; i < frames; i++)
            {
                var frame = ImageFileReader.Read(TestData.Golden(input, $"frame_{i:0000}.png"), i);
                int plane = frame.Width * frame.Height;
                session ??= new Rvm.Diagnostics.FullMatteSession(_fixture.Model, frame.Width, frame.Height, ratio);
                matte ??= session.CreateBuffer();
                var gbrp = new byte[3 * plane];
                PlanarPixels.RgbToGbrPlanes(frame.Pixels, gbrp, plane);
                session.LoadPlanarGbr(gbrp);
                session.Run(matte);

                var alpha = TestData.Decode16(TestData.Golden(input, ratioFolder, $"pha_{i:0000}.png"), "gray16le");
                var foreground = TestData.Decode16(TestData.Golden(input, ratioFolder, $"fgr_{i:0000}.png"), "rgb48le");
                Check(Compare(matte.Alpha, matte.Foreground, interleaved: false, alpha, foreground), $"video path {input}/{ratioFolder} frame {i}");
            }
        }
        finally
        {
            matte?.Dispose();
            session?.Dispose();
        }
    }

    [Fact]
    public void CarriedStateChangesTheResult()
    {
        // The recurrent state must matter: frame 7 alone differs from frame 7 after frames 0-6.
        var carried = RecurrentState.Initial;
        RvmFrameResult? last = null;
        for (int i = 0; i < 8; i++)
        {
            last = _fixture.Model.Process(ImageFileReader.Read(TestData.Golden("vtest-seq", $"frame_{i:0000}.png"), i), 0.375f, carried);
            carried = last.State;
        }
        var alone = _fixture.Model.Process(ImageFileReader.Read(TestData.Golden("vtest-seq", "frame_0007.png"), 7), 0.375f, RecurrentState.Initial);
        double diff = 0;
        for (int p = 0; p < alone.Alpha.Length; p++) diff += Math.Abs(alone.Alpha[p] - last!.Alpha[p]);
        Assert.True(diff / alone.Alpha.Length > 1e-4, $"state made no difference ({diff / alone.Alpha.Length})");
    }

    private void Check((double AlphaMean, double AlphaMax, double ForegroundMean) stats, string what)
    {
        // fp16 has its own bound: half precision alone moves values by up to 1/2048 near 1, and error carries
        // through the recurrent state. Not yet measured on a device; the device check reports the numbers.
        bool fp16 = ModelFixture.Precision == RvmPrecision.Fp16;
        double alphaMean = fp16 ? 4e-3 : 1e-3, alphaMax = fp16 ? 0.1 : 0.05, foregroundMean = fp16 ? 6e-3 : 2e-3;
        _output.WriteLine($"{what} ({_fixture.Model}): alpha mean {stats.AlphaMean:E2} max {stats.AlphaMax:E2}, foreground mean {stats.ForegroundMean:E2}");
        Assert.True(stats.AlphaMean <= alphaMean, $"{what}: alpha mean abs error {stats.AlphaMean}");
        Assert.True(stats.AlphaMax <= alphaMax, $"{what}: alpha max abs error {stats.AlphaMax}");
        Assert.True(stats.ForegroundMean <= foregroundMean, $"{what}: foreground mean abs error {stats.ForegroundMean}");
    }

    /// <summary>Foreground is compared where the golden alpha is above 0: the golden data stores it only there.</summary>
    private static (double AlphaMean, double AlphaMax, double ForegroundMean) Compare(float[] resultAlpha, float[] resultForeground, bool interleaved,
        float[] alpha, float[] foreground)
    {
        Assert.Equal(alpha.Length, resultAlpha.Length);
        int plane = alpha.Length;
        double sum = 0, max = 0, fgSum = 0;
        long fgCount = 0;
        for (int p = 0; p < alpha.Length; p++)
        {
            double d = Math.Abs(alpha[p] - resultAlpha[p]);
            sum += d;
            max = Math.Max(max, d);
            if (alpha[p] > 0)
            {
                for (int c = 0; c < 3; c++)
                    fgSum += Math.Abs(foreground[3 * p + c] - resultForeground[interleaved ? 3 * p + c : c * plane + p]);
                fgCount += 3;
            }
        }
        return (sum / alpha.Length, max, fgCount == 0 ? 0 : fgSum / fgCount);
    }
}

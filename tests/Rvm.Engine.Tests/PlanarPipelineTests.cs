using System;
using System.Linq;
using Rvm.Imaging;
using Rvm.Inference;
using Xunit;

namespace Rvm.Tests;

public sealed class PlanarPixelsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(1000)]
    public void VectorPathsMatchThePlainFormula(int length)
    {
        var random = new Random(length);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        var unit = new float[length];
        PlanarPixels.ToUnit(bytes, unit);
        for (int i = 0; i < length; i++) Assert.InRange(unit[i], bytes[i] / 255f - 1e-6f, bytes[i] / 255f + 1e-6f);

        var values = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
        var alpha = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
        var back = new byte[length];
        PlanarPixels.ToBytes(values, back);
        for (int i = 0; i < length; i++) Assert.Equal(PlanarPixels.ToByte(values[i]), back[i]);

        var over = new byte[length];
        PlanarPixels.OverConstant(values, alpha, 0.6f, over);
        for (int i = 0; i < length; i++) Assert.InRange(over[i], PlanarPixels.ToByte(values[i] * alpha[i] + 0.6f * (1 - alpha[i])) - 1, PlanarPixels.ToByte(values[i] * alpha[i] + 0.6f * (1 - alpha[i])) + 1);

        var picture = new byte[length];
        random.NextBytes(picture);
        PlanarPixels.OverPlane(values, alpha, picture, new float[length], over);
        for (int i = 0; i < length; i++)
        {
            var expected = PlanarPixels.ToByte(values[i] * alpha[i] + picture[i] / 255f * (1 - alpha[i]));
            Assert.InRange(over[i], expected - 1, expected + 1);
        }
    }
}

[Collection("model")]
public sealed class MattingSessionTests
{
    private readonly ModelFixture _fixture;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public MattingSessionTests(ModelFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void GivesTheSameMattesAsFrameByFrameProcessing()
    {
        // The video path (planar input, bound outputs, ping-pong states) against RvmModel.Process on the same frames.
        var frames = Enumerable.Range(0, 4).Select(i => ImageFileReader.Read(TestData.Golden("vtest-seq", $"frame_{i:0000}.png"), i)).ToList();
        int w = frames[0].Width, h = frames[0].Height, plane = w * h;
        using var session = new Rvm.Diagnostics.FullMatteSession(_fixture.Model, w, h, 0.375f);
        using var matte = session.CreateBuffer();
        var state = RecurrentState.Initial;
        foreach (var frame in frames)
        {
            var gbrp = new byte[3 * plane];
            PlanarPixels.RgbToGbrPlanes(frame.Pixels, gbrp, plane);
            session.LoadPlanarGbr(gbrp);
            session.Run(matte);
            var expected = _fixture.Model.Process(frame, 0.375f, state);
            state = expected.State;
            // The video path resizes the frame and computes the guided filter's full-resolution tail in C#
            // (Bilinear, GuidedFilterTail) where ONNX Runtime does both for Process: the same arithmetic in another
            // order of rounding, which the guided filter's large coefficients magnify at a few edge pixels. Both
            // agree with TensorFlow.js to the same degree (ReferenceFidelityTests).
            double sum = 0, max = 0;
            for (int p = 0; p < plane; p++)
                for (int c = 0; c < 4; c++)
                {
                    double d = c == 3 ? Math.Abs(expected.Alpha[p] - matte.Alpha[p]) : Math.Abs(expected.Foreground[3 * p + c] - matte.Foreground[c * plane + p]);
                    sum += d;
                    max = Math.Max(max, d);
                }
            _output.WriteLine($"frame {frame.Index}: mean {sum / (4.0 * plane):E2}, max {max:E2}");
            Assert.True(sum / (4.0 * plane) < 2e-6, $"frame {frame.Index}: mean difference {sum / (4.0 * plane)}");
            Assert.True(max < 5e-3, $"frame {frame.Index}: max difference {max}");
        }
        Assert.Equal(4, session.FramesRun);
    }
}

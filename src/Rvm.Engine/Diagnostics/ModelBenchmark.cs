using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Rvm.Imaging;
using Rvm.Inference;

namespace Rvm.Diagnostics;

/// <summary>Timings of one benchmark case, in milliseconds per frame.</summary>
public sealed class ModelTiming
{
    public string Case { get; internal set; } = "";
    public int Width { get; internal set; }
    public int Height { get; internal set; }
    public float DownsampleRatio { get; internal set; }
    public int Runs { get; internal set; }
    public int Threads { get; internal set; }
    public double MedianMs { get; internal set; }
    public double MeanMs { get; internal set; }
    public double MinMs { get; internal set; }
    public double P90Ms { get; internal set; }
    /// <summary>CPU time of the process per run, all threads: how much of the cores the network takes.</summary>
    public double CpuMsPerRun { get; internal set; }
    public double Fps => MedianMs > 0 ? 1000.0 / MedianMs : 0;
}

/// <summary>
/// Model-only speed: the network alone, with its input already a tensor in memory and the recurrent state
/// carried from run to run as in a video, so no decoding, conversion of pixels or encoding is timed.
/// </summary>
public static class ModelBenchmark
{
    /// <summary>
    /// The network as the video path runs it (<see cref="MattingSession"/>): bound tensors, ping-pong states and,
    /// below ratio 1 with a converted model, the guided filter's full-resolution tail in C#.
    /// </summary>
    public static ModelTiming Measure(RvmModel model, RgbFrame frame, float ratio, int warmup, int runs, string name)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs));
        int w = frame.Width, h = frame.Height, plane = w * h;
        using var session = new FullMatteSession(model, w, h, ratio);
        using var matte = session.CreateBuffer();
        var gbrp = new byte[3 * plane];
        PlanarPixels.RgbToGbrPlanes(frame.Pixels, gbrp, plane);
        session.LoadPlanarGbr(gbrp);
        for (int i = 0; i < Math.Max(1, warmup); i++) session.Run(matte);
        var times = new double[runs];
        var cpu = ProcessCpu.Own();
        for (int r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            session.Run(matte);
            times[r] = clock.Elapsed.TotalMilliseconds;
        }
        var timing = Summarise(model, name, w, h, ratio, times);
        timing.CpuMsPerRun = (ProcessCpu.Own() - cpu).TotalMilliseconds / runs;
        return timing;
    }

    /// <summary>ONNX Runtime running the whole graph with RVM's interface (the Invoke-RvmFrame path), for comparison.</summary>
    public static ModelTiming MeasureFullGraph(RvmModel model, RgbFrame frame, float ratio, int warmup, int runs, string name)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs));
        // Warm-up through the normal path also gives a state of the frame's real shape.
        var state = RecurrentState.Initial;
        for (int i = 0; i < Math.Max(1, warmup); i++) state = model.Process(frame, ratio, state).State;

        int w = frame.Width, h = frame.Height;
        var src = new float[3 * w * h];
        FrameTensors.ToPlanar(frame.Pixels, w, h, src);
        var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(src, new long[] { 1, 3, h, w }) };
        for (int i = 0; i < 4; i++) inputs.Add(OrtValue.CreateTensorValueFromMemory(state.Tensors[i], state.Shapes[i]));
        inputs.Add(OrtValue.CreateTensorValueFromMemory(new[] { ratio }, new long[] { 1 }));

        var times = new double[runs];
        try
        {
            using var runOptions = new RunOptions();
            for (int r = 0; r < runs; r++)
            {
                var clock = Stopwatch.StartNew();
                var outputs = model.Session.Run(runOptions, ModelContract.InputNames, inputs, ModelContract.OutputNames);
                times[r] = clock.Elapsed.TotalMilliseconds;
                // Carry the state: this run's r1o..r4o are the next run's r1i..r4i.
                for (int i = 0; i < 4; i++)
                {
                    inputs[1 + i].Dispose();
                    inputs[1 + i] = outputs[2 + i];
                }
                outputs[0].Dispose();
                outputs[1].Dispose();
            }
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }

        return Summarise(model, name, w, h, ratio, times);
    }

    private static ModelTiming Summarise(RvmModel model, string name, int w, int h, float ratio, double[] times)
    {
        var sorted = times.OrderBy(t => t).ToArray();
        return new ModelTiming
        {
            Case = name,
            Width = w,
            Height = h,
            DownsampleRatio = ratio,
            Runs = times.Length,
            Threads = model.ThreadCount,
            MedianMs = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2,
            MeanMs = times.Average(),
            MinMs = sorted[0],
            P90Ms = sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(0.9 * sorted.Length) - 1)],
        };
    }

    /// <summary>The bytes of the recurrent state a checkpoint saves for this frame size and ratio (after one black frame).</summary>
    public static long CheckpointStateBytes(RvmModel model, int width, int height, float ratio)
    {
        using var session = new MattingSession(model, width, height, ratio);
        session.LoadPlanarGbr(new byte[3 * width * height]);
        if (session.HasCoefficientCut)
        {
            using var coefficients = session.CreateCoefficientFrame();
            session.RunCoefficients(coefficients);
        }
        else
        {
            using var matte = session.CreateBuffer();
            session.Run(matte);
        }
        using var snapshot = session.CreateSnapshot();
        return snapshot.ByteCount;
    }
}

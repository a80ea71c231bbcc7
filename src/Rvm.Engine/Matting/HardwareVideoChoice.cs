using System;
using System.Collections.Generic;
using System.Linq;
using Rvm.Media;

namespace Rvm.Matting;

/// <summary>
/// What -HardwareVideo does for one conversion: decode on the model's GPU where ffmpeg can, and encode with NVENC
/// the outputs NVENC applies to (colour .mp4) where it can at their size. Says in Verbose which outputs NVENC
/// encodes and, for each thing left on the CPU, why.
/// </summary>
internal sealed class HardwareVideoChoice
{
    private HardwareVideoChoice(bool decode, bool nvenc, int device)
    {
        Decode = decode;
        Nvenc = nvenc;
        Device = device;
    }

    public static readonly HardwareVideoChoice None = new HardwareVideoChoice(false, false, 0);

    public bool Decode { get; }
    public bool Nvenc { get; }
    /// <summary>The GPU for -hwaccel_device and NVENC's -gpu: the model's.</summary>
    public int Device { get; }

    /// <param name="decodeProblem">Why the GPU cannot decode, or null (<see cref="HardwareCodecs.DecodeProblemOn"/>).</param>
    /// <param name="encodeProblem">Why NVENC cannot encode at a size on the GPU, or null (<see cref="HardwareCodecs.EncodeProblemAt"/>).</param>
    public static HardwareVideoChoice For(int device, int width, int height, bool videoInput, IReadOnlyList<PlannedOutput> outputs,
        Func<int, string?> decodeProblem, Func<int, int, int, string?> encodeProblem, Action<string>? verbose)
    {
        bool decode = false;
        if (videoInput)
        {
            var problem = decodeProblem(device);
            decode = problem == null;
            verbose?.Invoke(decode ? $"Decoding on GPU {device} (-hwaccel cuda -hwaccel_device {device})." : $"GPU decoding is not available ({problem}); decoding on the CPU.");
        }
        var colour = outputs.Where(o => o.Format.EncodesWithNvenc(o.Kind == OutputKind.Alpha ? FramePixels.Gray : FramePixels.Rgb)).Select(o => $"'{o.Path}'").ToList();
        if (colour.Count == 0)
        {
            verbose?.Invoke("NVENC is not used: no output is a colour .mp4 (the matte and other formats are encoded on the CPU).");
            return new HardwareVideoChoice(decode, false, device);
        }
        var encode = encodeProblem(width, height, device);
        verbose?.Invoke(encode == null
            ? $"Encoding {string.Join(", ", colour)} with NVENC on GPU {device}."
            : $"NVENC is not available ({encode}); encoding {string.Join(", ", colour)} on the CPU.");
        return new HardwareVideoChoice(decode, encode == null, device);
    }
}

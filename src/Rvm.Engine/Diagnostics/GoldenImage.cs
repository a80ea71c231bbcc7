using System;
using System.Diagnostics;
using System.IO;

namespace Rvm.Diagnostics;

/// <summary>The 16-bit PNGs of tests/golden (TensorFlow.js's outputs), decoded by ffmpeg.</summary>
internal static class GoldenImage
{
    /// <summary>A 16-bit PNG as values/65535: gray16le for alpha, rgb48le for foreground.</summary>
    public static float[] Decode16(string png, string pixelFormat)
    {
        var info = new ProcessStartInfo("ffmpeg", $"-v error -i \"{png}\" -f rawvideo -pix_fmt {pixelFormat} -")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        if (process.ExitCode != 0) throw new IOException($"ffmpeg could not decode {png}");
        var bytes = buffer.ToArray();
        var values = new float[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++) values[i] = BitConverter.ToUInt16(bytes, 2 * i) / 65535f;
        return values;
    }
}

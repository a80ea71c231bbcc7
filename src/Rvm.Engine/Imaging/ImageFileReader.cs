using System;
using System.IO;
using FFMpegCore;
using Rvm.IO;
using Rvm.Media;

namespace Rvm.Imaging;

/// <summary>
/// Reads a picture in any format ffmpeg decodes, as RGB24. ffmpeg writes it as one PPM file, so one call gives
/// both the size and the pixels. A temporary file, not FFMpegCore's pipe: with a small picture ffmpeg can exit
/// before the pipe is connected, and the picture is lost (seen here on the first call of a process).
/// </summary>
public static class ImageFileReader
{
    /// <summary>Reads the first picture of a file; with a width and height, scales it to that size.</summary>
    public static RgbFrame Read(string path, long index = 0, int width = 0, int height = 0)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"The image '{full}' does not exist.", full);
        if (new FileInfo(full).Length == 0) throw new InvalidDataException($"The image '{full}' is empty.");
        var options = FfmpegLocator.Options();
        var ppm = TemporaryFolder.CreateFile(options.TemporaryFilesFolder, ".ppm");
        try
        {
            FFMpegArguments
                .FromFileInput(FfmpegPath.ForArgument(full), verifyExists: false)
                .OutputToFile(ppm, overwrite: true, o => o
                    .WithCustomArgument((width > 0 && height > 0 ? $"-vf scale={width}:{height} " : "") + "-frames:v 1 -pix_fmt rgb24 -c:v ppm")
                    .ForceFormat("image2"))
                .ProcessSynchronously(true, options);
            return ParsePpm(File.Exists(ppm) ? File.ReadAllBytes(ppm) : Array.Empty<byte>(), full, index);
        }
        catch (FFMpegCore.Exceptions.FFMpegException e)
        {
            throw new InvalidDataException($"ffmpeg could not read '{full}' as an image: {LastLine(e)}", e);
        }
        finally
        {
            AtomicFile.TryDelete(ppm);
        }
    }

    private static string LastLine(FFMpegCore.Exceptions.FFMpegException e)
    {
        var text = e.Message.Trim();
        var lines = text.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);
        return lines[lines.Length - 1].Trim();
    }

    /// <summary>Binary PPM: "P6", width, height, maxval 255, one whitespace, then the pixels.</summary>
    internal static RgbFrame ParsePpm(byte[] data, string source, long index)
    {
        int pos = 0;
        string Token()
        {
            while (pos < data.Length && (char.IsWhiteSpace((char)data[pos]) || data[pos] == '#'))
            {
                if (data[pos] == '#') while (pos < data.Length && data[pos] != '\n') pos++;
                else pos++;
            }
            int start = pos;
            while (pos < data.Length && !char.IsWhiteSpace((char)data[pos])) pos++;
            return System.Text.Encoding.ASCII.GetString(data, start, pos - start);
        }
        if (data.Length == 0 || Token() != "P6") throw new InvalidDataException($"ffmpeg decoded no picture from '{source}'.");
        int width = int.Parse(Token()), height = int.Parse(Token()), max = int.Parse(Token());
        if (max != 255) throw new InvalidDataException($"ffmpeg returned a {max}-level picture for '{source}'.");
        pos++;
        var pixels = new byte[width * height * 3];
        if (data.Length - pos < pixels.Length) throw new InvalidDataException($"ffmpeg returned a truncated picture for '{source}'.");
        Buffer.BlockCopy(data, pos, pixels, 0, pixels.Length);
        return new RgbFrame(width, height, pixels, index, source);
    }
}

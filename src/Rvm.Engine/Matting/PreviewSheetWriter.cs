using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using FFMpegCore;
using Rvm.Imaging;
using Rvm.IO;
using Rvm.Media;

namespace Rvm.Matting;

/// <summary>
/// Writes a preview sheet: a PNG of frames spread over a video, each row the input, its matte and its composition
/// (over a checkerboard where transparent), labelled with the frame number and time. The frames are cut with
/// FFMpegCore's file-to-file calls (one ffmpeg per source, exact frames by number, scaled to the tile), which suit
/// a few pictures; frames for conversion go through our own pipes (see VideoFrameReader).
/// </summary>
internal static class PreviewSheetWriter
{
    public const string Suffix = ".preview.png";
    /// <summary>The kind in a sheet's provenance tag, which makes it an output Rvm skips as an input and may replace.</summary>
    public const string Kind = "preview";
    public const int DefaultFrames = 6;

    private const byte Backdrop = 24, LabelGrey = 230, CheckerLight = 153, CheckerDark = 102;
    private const int CheckerSize = 8, LabelScale = 2;

    /// <summary>&lt;input name&gt;.preview.png in <paramref name="folder"/>, or beside the first output.</summary>
    public static string SheetPath(PreviewSources sources, string? folder) =>
        Path.Combine(folder ?? Path.GetDirectoryName(sources.CompositionPath ?? sources.AlphaPath ?? sources.Input)!, sources.BaseName + Suffix);

    /// <summary>The sheet of a conversion's outputs where it would be written by default, when it exists; its PreviewPath is set to it.</summary>
    public static string? ExistingSheet(RvmConversionResult result)
    {
        if (result.AlphaPath == null && result.CompositionPath == null) return null;
        var sheet = SheetPathFor(result);
        if (!File.Exists(sheet)) return null;
        result.PreviewPath = sheet;
        return sheet;
    }

    /// <summary>Where <see cref="WriteFor"/> writes the sheet of a conversion's outputs: beside them.</summary>
    public static string SheetPathFor(RvmConversionResult result) =>
        SheetPath(new PreviewSources(result.Input, result.AlphaPath, result.CompositionPath), null);

    /// <summary>
    /// The sheet of a conversion just made (Convert-RvmVideo -Preview, a batch task's), beside its outputs; an older
    /// sheet of that name showed the outputs they replaced, so it goes, but a file of that name Rvm did not write
    /// stays. Sets the result's PreviewPath.
    /// </summary>
    public static void WriteFor(RvmConversionResult result, int frames, CancellationToken cancel = default)
    {
        var sheet = SheetPathFor(result);
        if (File.Exists(sheet) && OutputProvenance.FromPng(sheet)?.Kind != Kind)
            throw new OutputConflictException(OutputConflict.Exists, $"'{sheet}' exists and is not a preview sheet Rvm wrote; it was left alone.");
        Write(new PreviewSources(result.Input, result.AlphaPath, result.CompositionPath), sheet, frames, force: true, cancel);
        result.PreviewPath = sheet;
    }

    /// <summary>
    /// Writes the sheet of <paramref name="frames"/> frames to <paramref name="sheetPath"/>, whole or not at all; an
    /// existing sheet is replaced only with <paramref name="force"/>.
    /// </summary>
    public static void Write(PreviewSources sources, string sheetPath, int frames, bool force, CancellationToken cancel = default)
    {
        sources.Validate();
        sheetPath = Path.GetFullPath(sheetPath);
        if (!force && File.Exists(sheetPath))
            throw new OutputConflictException(OutputConflict.Exists, $"The preview sheet '{sheetPath}' exists; -Force replaces it.");
        var input = MediaProbe.Probe(sources.Input);
        var matteFromComposition = sources.AlphaPath == null && HasAlpha(sources.CompositionPath!);
        var frameCount = new[] { sources.Input, sources.AlphaPath, sources.CompositionPath }
            .Where(p => p != null).Min(p => CountFrames(p!));
        var picks = PreviewSheetLayout.PickFrames(frameCount, frames);
        if (picks.Count == 0) throw new InvalidDataException($"'{sources.Input}' has no frames to show.");
        int columns = 1 + (sources.AlphaPath != null || matteFromComposition ? 1 : 0) + (sources.CompositionPath != null ? 1 : 0);
        var layout = new PreviewSheetLayout(input.Width, input.Height, columns, picks.Count);

        var tiles = new List<Func<int, int, int, (byte, byte, byte)>>();
        var inputFrames = Extract(sources.Input, picks, layout, "rgb24", 3, false, cancel);
        tiles.Add((row, i, _) => (inputFrames[row][i * 3], inputFrames[row][i * 3 + 1], inputFrames[row][i * 3 + 2]));
        byte[][]? composition = sources.CompositionPath == null ? null
            : Extract(sources.CompositionPath, picks, layout, "rgba", 4, IsWebm(sources.CompositionPath), cancel);
        if (sources.AlphaPath != null)
        {
            var alpha = Extract(sources.AlphaPath, picks, layout, "gray", 1, false, cancel);
            tiles.Add((row, i, _) => (alpha[row][i], alpha[row][i], alpha[row][i]));
        }
        else if (matteFromComposition)
            tiles.Add((row, i, _) => (composition![row][i * 4 + 3], composition[row][i * 4 + 3], composition[row][i * 4 + 3]));
        if (composition != null) tiles.Add((row, i, checker) => OverChecker(composition[row], i, checker));

        var fps = input.AverageFrameRate.IsValid ? input.AverageFrameRate.Value : input.FrameRate.Value;
        var sheet = Render(layout, picks, fps, tiles);
        Directory.CreateDirectory(Path.GetDirectoryName(sheetPath)!);
        EncodePng(sheetPath, layout, sheet, OutputProvenance.TagFor(Kind, sources.Input, sheetPath));
    }

    /// <summary>
    /// Encodes the sheet with ffmpeg's PNG encoder, whose row prediction (-pred mixed) halves the file against our
    /// unfiltered PngEncoder (street sample, 4 rows: 746 KB against 1.41 MB), then adds the provenance tag as PNG
    /// text (ffmpeg's encoder writes none). Written under the name's <see cref="OutputClaim"/>, as the outputs are:
    /// a second run writing the same sheet waits its turn as an error, and what a killed run left is removed by the next.
    /// </summary>
    private static void EncodePng(string sheetPath, PreviewSheetLayout layout, byte[] sheet, string tag)
    {
        var options = FfmpegLocator.Options();
        using var claim = OutputClaim.Acquire(sheetPath, isFolder: false);
        var temp = claim.TempPath;
        var raw = TemporaryFolder.CreateFile(options.TemporaryFilesFolder, ".rgb");
        try
        {
            File.WriteAllBytes(raw, sheet);
            FFMpegArguments
                .FromFileInput(FfmpegPath.ForArgument(raw), verifyExists: false, i => i
                    .WithCustomArgument($"-f rawvideo -pix_fmt rgb24 -s {layout.Width}x{layout.Height}"))
                .OutputToFile(FfmpegPath.ForArgument(temp), overwrite: true, o => o
                    .WithCustomArgument("-frames:v 1 -update 1 -c:v png -pred mixed")
                    .ForceFormat("image2"))
                .ProcessSynchronously(true, options);
            File.WriteAllBytes(temp, PngText.WithText(File.ReadAllBytes(temp), OutputProvenance.PngKeyword, tag));
            AtomicFile.Commit(temp, sheetPath);
        }
        catch (FFMpegCore.Exceptions.FFMpegException e)
        {
            throw new IOException($"ffmpeg could not write the preview sheet '{sheetPath}': {e.Message.Trim().Split('\n').Last().Trim()}", e);
        }
        finally { AtomicFile.TryDelete(raw); }
    }

    /// <summary>The sheet's pixels: backdrop, then per row a label and the tiles; a tile pixel comes from (row, pixel index in the tile, checker square is light).</summary>
    internal static byte[] Render(PreviewSheetLayout layout, IReadOnlyList<long> picks, double fps,
        IReadOnlyList<Func<int, int, int, (byte R, byte G, byte B)>> tiles)
    {
        var sheet = new byte[layout.Width * layout.Height * 3];
        for (int i = 0; i < sheet.Length; i++) sheet[i] = Backdrop;
        for (int row = 0; row < picks.Count; row++)
        {
            BitmapFont.Draw(sheet, layout.Width, layout.Height, layout.TileX(0), layout.LabelY(row) + 3, Label(picks[row], fps), LabelScale, LabelGrey, LabelGrey, LabelGrey);
            for (int column = 0; column < tiles.Count; column++)
            {
                int x0 = layout.TileX(column), y0 = layout.TileY(row);
                for (int y = 0; y < layout.TileHeight; y++)
                for (int x = 0; x < layout.TileWidth; x++)
                {
                    var (r, g, b) = tiles[column](row, y * layout.TileWidth + x, ((x / CheckerSize) + (y / CheckerSize)) & 1);
                    int o = ((y0 + y) * layout.Width + x0 + x) * 3;
                    sheet[o] = r;
                    sheet[o + 1] = g;
                    sheet[o + 2] = b;
                }
            }
        }
        return sheet;
    }

    /// <summary>"#120  0:04.00": the frame's number in the video and its time at the video's average rate.</summary>
    internal static string Label(long frame, double fps)
    {
        var label = "#" + frame.ToString(CultureInfo.InvariantCulture);
        if (fps <= 0) return label;
        var centiseconds = (long)Math.Round(frame * 100.0 / fps);
        return label + string.Format(CultureInfo.InvariantCulture, "  {0}:{1:00}.{2:00}", centiseconds / 6000, centiseconds / 100 % 60, centiseconds % 100);
    }

    private static (byte, byte, byte) OverChecker(byte[] rgba, int i, int light)
    {
        int a = rgba[i * 4 + 3], back = light == 0 ? CheckerLight : CheckerDark;
        byte Blend(byte c) => (byte)((c * a + back * (255 - a) + 127) / 255);
        return (Blend(rgba[i * 4]), Blend(rgba[i * 4 + 1]), Blend(rgba[i * 4 + 2]));
    }

    /// <summary>
    /// The picked frames of one video, scaled to the tile, as raw pixels. ffmpeg's select filter takes frames by
    /// number after decoding, so they are exact, not the key frames a seek would land on; the price is decoding the
    /// video up to the last pick (10 s of 1080p, three sources: 7.5 to 9.1 s on the shared 2 cores here), small beside the
    /// conversion itself. -frames:v ends ffmpeg at the last pick.
    /// </summary>
    private static byte[][] Extract(string path, IReadOnlyList<long> picks, PreviewSheetLayout layout, string pixelFormat, int channels, bool vp9Alpha, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var options = FfmpegLocator.Options();
        var raw = TemporaryFolder.CreateFile(options.TemporaryFilesFolder, ".raw");
        var select = string.Join("+", picks.Select(p => $"eq(n\\,{p.ToString(CultureInfo.InvariantCulture)})"));
        try
        {
            FFMpegArguments
                // ffmpeg's own VP9 decoder drops the alpha a WebM carries beside the picture; libvpx reads it.
                .FromFileInput(FfmpegPath.ForArgument(path), verifyExists: false, i => { if (vp9Alpha) i.WithCustomArgument("-c:v libvpx-vp9"); })
                .OutputToFile(raw, overwrite: true, o => o
                    .WithCustomArgument($"-vf select={select},scale={layout.TileWidth}:{layout.TileHeight} -fps_mode passthrough -frames:v {picks.Count} -an -pix_fmt {pixelFormat}")
                    .ForceFormat("rawvideo"))
                .CancellableThrough(cancel)
                .ProcessSynchronously(true, options);
            cancel.ThrowIfCancellationRequested();
            int size = layout.TileWidth * layout.TileHeight * channels;
            var data = File.ReadAllBytes(raw);
            if (data.Length / size < picks.Count)
                throw new InvalidDataException($"ffmpeg gave {data.Length / size} of the {picks.Count} frames picked from '{path}' (frame {picks[picks.Count - 1]} is the last one asked for).");
            return Enumerable.Range(0, picks.Count).Select(k =>
            {
                var frame = new byte[size];
                Buffer.BlockCopy(data, k * size, frame, 0, size);
                return frame;
            }).ToArray();
        }
        catch (FFMpegCore.Exceptions.FFMpegException e)
        {
            throw new InvalidDataException($"ffmpeg could not take the preview frames from '{path}': {e.Message.Trim().Split('\n').Last().Trim()}", e);
        }
        finally
        {
            AtomicFile.TryDelete(raw);
        }
    }

    private static bool IsWebm(string path) => string.Equals(Path.GetExtension(path), ".webm", StringComparison.OrdinalIgnoreCase);

    /// <summary>The video stream's frames, counted from its packets (no decoding: a second for a long video).</summary>
    private static long CountFrames(string path) =>
        long.TryParse(Probe(path, "stream=nb_read_packets", "-count_packets").Split('=').Last().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>Whether the video carries alpha: a pixel format with it, or WebM's alpha_mode tag (VP9 keeps alpha beside the picture).</summary>
    private static bool HasAlpha(string path)
    {
        var text = Probe(path, "stream=pix_fmt:stream_tags=alpha_mode");
        return text.Split('\n').Any(line =>
        {
            var l = line.Trim();
            // Matroska reads the tag back upper-case (TAG:ALPHA_MODE=1).
            return string.Equals(l, "TAG:alpha_mode=1", StringComparison.OrdinalIgnoreCase) || l.StartsWith("pix_fmt=", StringComparison.Ordinal) && (l.Contains("yuva") || l.Contains("rgba") || l.Contains("bgra") || l.Contains("argb") || l.Contains("abgr") || l.Contains("gbrap") || l.Contains("ya"));
        });
    }

    private static string Probe(string path, string entries, string? extra = null)
    {
        var args = new List<string> { "-v", "error", "-select_streams", "v:0" };
        if (extra != null) args.Add(extra);
        args.AddRange(new[] { "-show_entries", entries, "-of", "default=nw=1:nk=0", FfmpegInput.Of(path) });
        using var probe = new FfmpegProcess("ffprobe", args.ToArray(), redirectInput: false, redirectOutput: true);
        var stdout = new StreamReader(probe.Output, Encoding.UTF8).ReadToEnd();
        if (probe.WaitForExit() != 0) throw new InvalidDataException($"'{path}' is not a video ffmpeg can read: {probe.ErrorTail()}");
        return stdout;
    }
}

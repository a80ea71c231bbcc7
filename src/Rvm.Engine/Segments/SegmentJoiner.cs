using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Rvm.IO;
using Rvm.Matting;
using Rvm.Media;

namespace Rvm.Segments;

/// <summary>
/// Joins a conversion's chunks into its outputs, under the claims' temporary names: videos by stream copy (ffmpeg's
/// concat demuxer, no second encode), each chunk placed at its first frame's time so the input's timestamps come back
/// exactly, with the input's audio muxed in once; PNG sequences by linking the chunks' pictures under one numbering.
/// The work folder is only read, so a join stopped half-way is simply done again by the next run.
/// </summary>
internal static class SegmentJoiner
{
    public static void Join(ConversionPlan plan, WorkFolder work, IReadOnlyList<PartCheckpoint> parts, IReadOnlyList<OutputClaim> claims, CancellationToken cancel)
    {
        var chunks = parts.SelectMany(p => p.Chunks).ToList();
        if (chunks.Count == 0) throw new InvalidDataException($"'{plan.Request.Input}' has no video frames.");
        for (int i = 0; i < plan.Outputs.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            if (plan.Outputs[i].Format.IsImageSequence) JoinPictures(plan.Outputs[i], work, chunks, i, claims[i].TempPath);
            else JoinVideo(plan, plan.Outputs[i], work, chunks, i, claims[i].TempPath, cancel);
        }
    }

    private static void JoinPictures(PlannedOutput output, WorkFolder work, IReadOnlyList<ChunkRecord> chunks, int index, string temp)
    {
        OutputClaim.DeleteEntry(temp);
        Directory.CreateDirectory(temp);
        long total = chunks.Sum(c => c.Frames), n = 0;
        var digits = new string('0', Math.Max(4, Math.Max(0, total - 1).ToString(CultureInfo.InvariantCulture).Length));
        foreach (var chunk in chunks)
        {
            var pictures = Directory.GetFiles(work.PathOf(chunk.Files[index]), "*.png").OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (pictures.Count != chunk.Frames)
                throw new InvalidDataException($"The chunk '{chunk.Files[index]}' holds {pictures.Count} pictures, not {chunk.Frames}.");
            foreach (var picture in pictures)
                HardLink.LinkOrCopy(picture, Path.Combine(temp, (n++).ToString(digits, CultureInfo.InvariantCulture) + ".png"));
        }
        File.WriteAllText(Path.Combine(temp, OutputProvenance.MarkerName), output.Tag + "\n", new UTF8Encoding(false));
    }

    private static void JoinVideo(ConversionPlan plan, PlannedOutput output, WorkFolder work, IReadOnlyList<ChunkRecord> chunks,
        int index, string temp, CancellationToken cancel)
    {
        var list = work.PathOf($"join.{output.Kind.ToString().ToLowerInvariant()}.ffconcat");
        File.WriteAllText(list, ConcatList(chunks, index), new UTF8Encoding(false));
        var info = plan.InputInfo!;
        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y" };
        bool audio = info.HasAudio && output.Format.CarriesAudio;
        // Only our chunks coming in: any error is a failed join (ffmpeg 5.1 exits 0 when the disk fills at the trailer).
        if (!audio) arguments.Add("-xerror");
        // The concat demuxer starts the video at 0; the first chunk's own start puts it back where a one-pass conversion has it.
        long offset = chunks[0].Starts[index];
        if (offset > 0) arguments.AddRange(new[] { "-itsoffset", (offset / 1_000_000m).ToString("0.000000", CultureInfo.InvariantCulture) });
        arguments.AddRange(new[] { "-f", "concat", "-safe", "0", "-i", FfmpegInput.Of(list) });
        if (audio) arguments.AddRange(new[] { "-i", FfmpegInput.Of(info.Path) });
        arguments.AddRange(new[] { "-map", "0:v:0" });
        if (audio) arguments.AddRange(new[] { "-map", "1:a?" });
        arguments.AddRange(new[] { "-c:v", "copy" });
        if (audio) arguments.AddRange(output.Format.AudioArguments(info.AudioCodec));
        arguments.AddRange(new[] { "-map_metadata", "-1", "-metadata", "comment=" + output.Tag });
        arguments.AddRange(output.Format.JoinArguments(output.PixelsOver(plan.Request.Background)));
        arguments.AddRange(new[] { "-f", output.Format.Muxer, FfmpegInput.Of(temp) });
        using var ffmpeg = new FfmpegProcess("ffmpeg", arguments, redirectInput: false, redirectOutput: false, cancel: cancel);
        int exit = ffmpeg.WaitForExit();
        if (ffmpeg.WasKilled) throw new OperationCanceledException($"Joining '{output.Path}' was cancelled.");
        if (exit != 0 || FfmpegProcess.FailedToFinish(ffmpeg.ErrorTail(20)))
            throw new IOException($"ffmpeg could not join the chunks of '{output.Path}' (exit code {exit}): {ffmpeg.ErrorTail()}. " +
                $"The chunks are kept in '{work.Path}'; run the same conversion again once the cause is fixed, and it only joins them.");
    }

    /// <summary>
    /// The concat demuxer's list: each chunk with the time to the next chunk's start, both as the containers store
    /// them. The demuxer then shifts every chunk by the same amount (the first's start), so every frame keeps the
    /// time it was written with, and no rounding adds up along a long video.
    /// </summary>
    internal static string ConcatList(IReadOnlyList<ChunkRecord> chunks, int index)
    {
        var text = new StringBuilder("ffconcat version 1.0\n");
        for (int c = 0; c < chunks.Count; c++)
        {
            text.Append("file ").Append(chunks[c].Files[index]).Append('\n');
            if (c + 1 < chunks.Count)
            {
                long micro = chunks[c + 1].Starts[index] - chunks[c].Starts[index];
                text.Append("duration ").Append((micro / 1_000_000m).ToString("0.000000", CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return text.ToString();
    }
}

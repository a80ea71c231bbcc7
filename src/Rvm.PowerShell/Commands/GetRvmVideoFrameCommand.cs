using System;
using System.IO;
using System.Management.Automation;
using Rvm.Imaging;
using Rvm.Media;
using Rvm.PowerShell.Infrastructure;

namespace Rvm.PowerShell.Commands;

/// <summary>
/// Get-RvmVideoFrame: streams a video's frames as RgbFrame objects (index, timestamp, size, RGB bytes) that
/// Invoke-RvmFrame accepts, for loops written by hand. Frames are decoded as they are asked for; stopping
/// early (Select-Object -First) ends ffmpeg.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RvmVideoFrame", DefaultParameterSetName = PathSet)]
[OutputType(typeof(RgbFrame))]
public sealed class GetRvmVideoFrameCommand : RvmPathCmdlet
{

    /// <summary>Width and height the frames are scaled to.</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    [ValidateRange(2, 16384)]
    public int[]? InputResize { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var input in InputPaths())
        {
            MediaInfo info;
            try
            {
                info = MediaProbe.Probe(input);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                WriteError(ErrorRecords.From(e, "VideoUnreadable", input));
                continue;
            }
            int width = InputResize?[0] ?? info.Width, height = InputResize?[1] ?? info.Height;
            try
            {
                using var reader = new VideoFrameReader(input, width, height, cancel: StopToken);
                while (true)
                {
                    var pixels = new byte[reader.FrameBytes];
                    if (!reader.TryRead(pixels, out var pts)) break;
                    var tb = reader.TimeBase;
                    var time = TimeSpan.FromTicks((long)Math.Round(pts * (double)tb.Numerator / tb.Denominator * TimeSpan.TicksPerSecond));
                    WriteObject(new RgbFrame(width, height, pixels, reader.FramesRead - 1, input, time));
                }
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                WriteError(ErrorRecords.From(e, "VideoUnreadable", input));
            }
        }
    }
}

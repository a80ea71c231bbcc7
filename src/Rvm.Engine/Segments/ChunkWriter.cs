using System;
using System.Collections.Generic;
using System.IO;
using Rvm.Inference;
using Rvm.Matting;
using Rvm.Media;

namespace Rvm.Segments;

/// <summary>
/// The writing end of one part of a conversion: its frames go into chunks in the work folder, each chunk one file
/// per output, and after each chunk the part's checkpoint is saved with the state after the
/// chunk's last frame. A chunk is finished (its encoders flushed and closed) before the checkpoint that lists it is
/// written, so a checkpoint never names a chunk that is not whole.
/// </summary>
internal sealed class ChunkWriter : IDisposable
{
    private readonly WorkFolder _work;
    private readonly int _part;
    private readonly string _fingerprint;
    private readonly IReadOnlyList<PlannedOutput> _outputs;
    private readonly Func<int, string, long, VideoFileWriter> _openWriter;
    private readonly List<ChunkRecord> _chunks;
    private readonly List<(VideoFileWriter Writer, OutputKind Kind)> _writers = new List<(VideoFileWriter, OutputKind)>();
    private readonly string[] _files;
    private readonly Func<long, Rational, long> _outputMicroseconds;
    private long _frames, _lastPts;
    private Rational _timeBase;

    /// <param name="openWriter">Opens the writer of output i (the plan's order) at a path in the work folder, for a chunk whose first frame has the given timestamp.</param>
    /// <param name="outputMicroseconds">A frame's time in the output, for chunks whose container does not keep it (MP4, MOV: they start at 0).</param>
    public ChunkWriter(WorkFolder work, int part, string fingerprint, IReadOnlyList<PlannedOutput> outputs, PartCheckpoint? resume,
        Func<int, string, long, VideoFileWriter> openWriter, Func<long, Rational, long> outputMicroseconds)
    {
        _outputMicroseconds = outputMicroseconds;
        _work = work;
        _part = part;
        _fingerprint = fingerprint;
        _outputs = outputs;
        _openWriter = openWriter;
        _chunks = new List<ChunkRecord>(resume?.Chunks ?? Array.Empty<ChunkRecord>());
        _files = new string[outputs.Count];
    }

    /// <summary>The open chunk's writers, with the output kind each takes.</summary>
    public IReadOnlyList<(VideoFileWriter Writer, OutputKind Kind)> Writers => _writers;
    public bool IsOpen => _writers.Count > 0;
    /// <summary>The open chunk's first frame's timestamp: its frames are written relative to it.</summary>
    public long FirstPts { get; private set; }

    public void Begin(long firstPts, Rational timeBase)
    {
        if (IsOpen) throw new InvalidOperationException("A chunk is open already.");
        FirstPts = _lastPts = firstPts;
        _timeBase = timeBase;
        _frames = 0;
        int index = _chunks.Count;
        try
        {
            for (int i = 0; i < _outputs.Count; i++)
            {
                _files[i] = WorkFolder.ChunkName(_part, index, _outputs[i]);
                var path = _work.PathOf(_files[i]);
                IO.OutputClaim.DeleteEntry(path);
                _writers.Add((_openWriter(i, path, firstPts), _outputs[i].Kind));
            }
        }
        catch
        {
            DisposeWriters();
            throw;
        }
    }

    /// <summary>Counts a frame written into every writer of the open chunk.</summary>
    public void Wrote(long pts)
    {
        _frames++;
        _lastPts = pts;
    }

    /// <summary>Closes the open chunk and saves the checkpoint: with the state after its last frame, or as the part's end.</summary>
    public void End(StateSnapshot? state, bool finished)
    {
        if (IsOpen)
        {
            foreach (var (writer, _) in _writers) writer.Finish();
            var sizes = new long[_files.Length];
            var starts = new long[_files.Length];
            for (int i = 0; i < _files.Length; i++)
            {
                var path = _work.PathOf(_files[i]);
                sizes[i] = WorkFolder.SizeOf(path);
                // Where the container keeps the chunk's start, the join takes it as stored (rounded as in one pass).
                var format = _outputs[i].Format;
                starts[i] = format.IsImageSequence ? 0 : format.StoresMilliseconds ? MediaProbe.StartMicroseconds(path) : _outputMicroseconds(FirstPts, _timeBase);
            }
            DisposeWriters();
            _chunks.Add(new ChunkRecord(_chunks.Count, FirstPts, _lastPts, _frames, (string[])_files.Clone(), sizes, starts));
        }
        _work.Save(new PartCheckpoint(_part, _fingerprint, _timeBase, _chunks.ToArray(), finished, finished ? null : state));
    }

    /// <summary>Ends the part: the open chunk, if any, is its last.</summary>
    public void Finish(Rational timeBase)
    {
        if (!_timeBase.IsValid) _timeBase = timeBase;
        End(null, finished: true);
    }

    private void DisposeWriters()
    {
        foreach (var (writer, _) in _writers) writer.Dispose();
        _writers.Clear();
    }

    /// <summary>Stops the open chunk's encoders; the unfinished chunk is not listed, and the next run removes it.</summary>
    public void Dispose() => DisposeWriters();
}

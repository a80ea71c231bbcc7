using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rvm.IO;
using Rvm.Matting;

namespace Rvm.Segments;

/// <summary>
/// The hidden folder beside a conversion's outputs (<c>.&lt;hash&gt;.rvm-work</c>) where it writes its outputs as
/// chunks and saves a checkpoint per part after each, so that a run killed at any point goes on where it stopped. It
/// belongs to one plan (its fingerprint): a folder of another plan, or a damaged one, is discarded, never used. The
/// output claims guard it, so one run at a time uses it; it is removed once the outputs are committed.
/// </summary>
internal sealed class WorkFolder
{
    private const string Suffix = ".rvm-work";
    private const string PlanFile = "plan";
    private readonly string _fingerprint;
    private readonly PartCheckpoint?[] _checkpoints;

    private WorkFolder(string path, string fingerprint, int parts)
    {
        Path = path;
        _fingerprint = fingerprint;
        _checkpoints = new PartCheckpoint?[parts];
    }

    public string Path { get; }

    /// <summary>The work folder of a conversion whose first output is <paramref name="firstOutput"/>: beside it, named after it.</summary>
    public static string PathFor(string firstOutput)
    {
        var full = System.IO.Path.GetFullPath(firstOutput);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, "." + FileSystemNames.ShortHash(System.IO.Path.GetFileName(full)) + Suffix);
    }

    /// <summary>
    /// Opens the work folder of a plan: what an earlier run of the same plan saved is kept, with each part's
    /// checkpoint; anything else there (another plan's, a damaged checkpoint or chunk, or all of it with
    /// <paramref name="startOver"/>) is discarded with a Verbose line.
    /// </summary>
    public static WorkFolder Open(string path, string fingerprint, string description, int parts, int outputs, bool startOver, Action<string>? verbose)
    {
        var folder = new WorkFolder(path, fingerprint, parts);
        if (Directory.Exists(path))
        {
            string? problem = startOver ? "-Force starts over" : folder.CheckPlan();
            if (problem != null)
            {
                verbose?.Invoke($"Discarding the work folder '{path}': {problem}.");
                OutputClaim.DeleteEntry(path);
            }
        }
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path);
            AtomicFile.WriteAllText(System.IO.Path.Combine(path, PlanFile), fingerprint + "\n" + description + "\n");
        }
        for (int part = 0; part < parts; part++)
        {
            var problem = folder.LoadPart(part, outputs);
            if (problem == null) continue;
            // One damaged part starts over; the others keep what they did (they may be running elsewhere, as batch tasks).
            verbose?.Invoke($"Discarding part {part} of the work folder '{path}': {problem}.");
            folder.DiscardPart(part);
        }
        return folder;
    }

    private string? CheckPlan()
    {
        var planFile = System.IO.Path.Combine(Path, PlanFile);
        string? saved = File.Exists(planFile) ? File.ReadLines(planFile).FirstOrDefault() : null;
        if (saved == null) return "it records no plan";
        return saved != _fingerprint ? "it was made for another plan (the input, the outputs or the settings changed)" : null;
    }

    /// <summary>Loads a part's checkpoint, if any, and checks every chunk it lists; returns what is wrong, or null.</summary>
    private string? LoadPart(int part, int outputs)
    {
        var file = CheckpointPath(part);
        if (!File.Exists(file)) return null;
        try { _checkpoints[part] = PartCheckpoint.Load(file, _fingerprint); }
        catch (Exception e) when (e is InvalidDataException || e is IOException) { return e.Message.TrimEnd('.'); }
        foreach (var chunk in _checkpoints[part]!.Chunks)
        {
            if (chunk.Files.Count != outputs) return $"its chunk {chunk.Index} has {chunk.Files.Count} outputs, not {outputs}";
            for (int i = 0; i < chunk.Files.Count; i++)
            {
                var size = SizeOf(PathOf(chunk.Files[i]));
                if (size != chunk.Sizes[i]) return $"the chunk '{chunk.Files[i]}' is {(size < 0 ? "missing" : $"{size} bytes, not {chunk.Sizes[i]}")}";
            }
        }
        return null;
    }

    private void DiscardPart(int part)
    {
        _checkpoints[part]?.Dispose();
        _checkpoints[part] = null;
        AtomicFile.TryDelete(CheckpointPath(part));
        RemoveUnlisted(part);
    }

    /// <summary>Holds one part for this process while it runs: a second worker given the same part gets an error, not a second copy.</summary>
    public IDisposable LockPart(int part) =>
        FileLock.TryAcquire(System.IO.Path.Combine(Path, $"part-{part:000}.lock"))
        ?? throw new OutputConflictException(OutputConflict.Busy, $"Part {part} of the work folder '{Path}' is being converted by another Rvm run right now.");

    /// <summary>The part's saved checkpoint, or null to start the part from its beginning.</summary>
    public PartCheckpoint? Checkpoint(int part) => _checkpoints[part];

    public string CheckpointPath(int part) => System.IO.Path.Combine(Path, $"part-{part:000}.checkpoint");

    /// <summary>A chunk's name for one output: files for videos, a folder for PNGs.</summary>
    public static string ChunkName(int part, int chunk, PlannedOutput output) =>
        $"p{part:000}-c{chunk:000000}.{output.Kind.ToString().ToLowerInvariant()}.{output.Format.Name}";

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Saves a part's checkpoint whole; the one it replaces is disposed.</summary>
    public void Save(PartCheckpoint checkpoint)
    {
        checkpoint.Save(CheckpointPath(checkpoint.Part));
        var old = _checkpoints[checkpoint.Part];
        _checkpoints[checkpoint.Part] = checkpoint;
        if (old != null && !ReferenceEquals(old, checkpoint)) old.Dispose();
    }

    /// <summary>Removes a part's chunks that its checkpoint does not list: the one being written when the run stopped.</summary>
    public void RemoveUnlisted(int part)
    {
        var listed = new HashSet<string>(_checkpoints[part]?.Chunks.SelectMany(c => c.Files) ?? Enumerable.Empty<string>(), StringComparer.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path, $"p{part:000}-c*").ToList())
            if (!listed.Contains(System.IO.Path.GetFileName(entry))) OutputClaim.DeleteEntry(entry);
    }

    /// <summary>A file's length, a folder's total of its files' lengths, or -1 when missing.</summary>
    public static long SizeOf(string path)
    {
        if (File.Exists(path)) return new FileInfo(path).Length;
        if (Directory.Exists(path)) return new DirectoryInfo(path).EnumerateFiles().Sum(f => f.Length);
        return -1;
    }

    /// <summary>Removes the folder and everything in it; the checkpoints' states are freed.</summary>
    public void Delete()
    {
        for (int part = 0; part < _checkpoints.Length; part++)
        {
            _checkpoints[part]?.Dispose();
            _checkpoints[part] = null;
        }
        OutputClaim.DeleteEntry(Path);
    }
}

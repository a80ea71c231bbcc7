using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Rvm.Inference;
using Rvm.Media;

namespace Rvm.Segments;

/// <summary>
/// Where one part of a conversion stands: the chunks it has finished, the last frame they hold, and the recurrent
/// state after that frame, from which the part goes on exactly as if it had never stopped. Saved whole or not at all
/// (written aside, then renamed), with a SHA-256 of its bytes so a damaged one is never used.
/// </summary>
internal sealed class PartCheckpoint : IDisposable
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("RVMPART1");

    private readonly bool _ownsState;

    /// <param name="state">The state to save; a conversion's pooled buffer stays the conversion's, a loaded one is the checkpoint's own.</param>
    public PartCheckpoint(int part, string fingerprint, Rational timeBase, IReadOnlyList<ChunkRecord> chunks, bool finished, StateSnapshot? state, bool ownsState = false)
    {
        _ownsState = ownsState;
        Part = part;
        Fingerprint = fingerprint;
        TimeBase = timeBase;
        Chunks = chunks;
        Finished = finished;
        State = state;
    }

    public int Part { get; }
    /// <summary>The plan this part belongs to; another plan's checkpoint is never used.</summary>
    public string Fingerprint { get; }
    /// <summary>The input stream's time base, in which the chunks' timestamps are.</summary>
    public Rational TimeBase { get; }
    public IReadOnlyList<ChunkRecord> Chunks { get; }
    /// <summary>The part's last chunk is done: nothing is left to convert in it.</summary>
    public bool Finished { get; }
    /// <summary>The state after <see cref="LastPts"/>; null once finished.</summary>
    public StateSnapshot? State { get; }

    public long FramesDone
    {
        get
        {
            long frames = 0;
            foreach (var chunk in Chunks) frames += chunk.Frames;
            return frames;
        }
    }

    public long LastPts => Chunks[Chunks.Count - 1].LastPts;

    /// <summary>
    /// Writes the checkpoint aside and renames it into place. The bytes stream through the SHA-256 straight to the
    /// file: a checkpoint buffered whole in memory (3 MB of state at 1080p, more as the buffer doubles) left a 3000-frame
    /// run's peak 17% above a 300-frame run's, where one pass stays within 6% (build.ps1 Bench's memory check).
    /// </summary>
    public void Save(string path)
    {
        var temp = path + ".new";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var sha = SHA256.Create())
        {
            // CryptoStream closes the file when disposed, so the hash is written before that, after the final block.
            var hashing = new CryptoStream(file, sha, CryptoStreamMode.Write);
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(Fingerprint);
                writer.Write(Part);
                writer.Write(TimeBase.Numerator);
                writer.Write(TimeBase.Denominator);
                writer.Write(Finished);
                writer.Write(Chunks.Count);
                foreach (var chunk in Chunks) chunk.WriteTo(writer);
                writer.Write(State != null);
                State?.WriteTo(writer);
                writer.Flush();
                hashing.FlushFinalBlock();
                file.Write(sha.Hash, 0, sha.Hash.Length);
                file.Flush(flushToDisk: true);
            }
        }
        IO.AtomicFile.Commit(temp, path);
    }

    /// <summary>Reads a checkpoint; throws <see cref="InvalidDataException"/> when it is damaged or of another plan.</summary>
    public static PartCheckpoint Load(string path, string fingerprint)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 32) throw new InvalidDataException($"The checkpoint '{path}' is cut short.");
        using (var sha = SHA256.Create())
        {
            var hash = sha.ComputeHash(bytes, 0, bytes.Length - 32);
            for (int i = 0; i < 32; i++)
                if (hash[i] != bytes[bytes.Length - 32 + i]) throw new InvalidDataException($"The checkpoint '{path}' is damaged (its checksum does not match).");
        }
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32), Encoding.UTF8);
            var magic = reader.ReadBytes(Magic.Length);
            for (int i = 0; i < Magic.Length; i++)
                if (magic[i] != Magic[i]) throw new InvalidDataException($"'{path}' is not an Rvm checkpoint.");
            var plan = reader.ReadString();
            if (plan != fingerprint) throw new InvalidDataException($"The checkpoint '{path}' belongs to another plan.");
            int part = reader.ReadInt32();
            var timeBase = new Rational(reader.ReadInt64(), reader.ReadInt64());
            bool finished = reader.ReadBoolean();
            int count = reader.ReadInt32();
            if (count < (finished ? 0 : 1) || count > 1_000_000) throw new InvalidDataException($"The checkpoint '{path}' lists {count} chunks.");
            var chunks = new List<ChunkRecord>(count);
            for (int i = 0; i < count; i++) chunks.Add(ChunkRecord.ReadFrom(reader));
            var state = reader.ReadBoolean() ? StateSnapshot.ReadFrom(reader) : null;
            if (!finished && state == null) throw new InvalidDataException($"The checkpoint '{path}' has no state to go on from.");
            return new PartCheckpoint(part, plan, timeBase, chunks, finished, state, ownsState: true);
        }
        catch (EndOfStreamException e) { throw new InvalidDataException($"The checkpoint '{path}' ends early.", e); }
    }

    public void Dispose()
    {
        if (_ownsState) State?.Dispose();
    }
}

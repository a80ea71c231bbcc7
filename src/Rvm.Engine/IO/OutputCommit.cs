using System;
using System.Collections.Generic;
using System.IO;

namespace Rvm.IO;

/// <summary>
/// Moves a conversion's finished outputs from their temporaries to their final names, all or nothing: every final
/// name is checked before the first rename, old outputs are set aside (not deleted) until every new one is in
/// place, and a failure puts the old ones back. Each rename is retried while another process holds the file
/// (Windows); if one still fails, the new outputs are kept under their temporary names and the error names them.
/// </summary>
internal static class OutputCommit
{
    public static void CommitAll(IReadOnlyList<OutputClaim> claims) => CommitAll(claims, SharingViolationRetry.ForThisOs, OutputClaim.MoveEntry);

    /// <summary>The commit with its rename given, so tests can refuse renames as Windows does.</summary>
    internal static void CommitAll(IReadOnlyList<OutputClaim> claims, SharingViolationRetry retry, Action<string, string> move)
    {
        void Move(string from, string to) => retry.Run(() => move(from, to));

        foreach (var claim in claims)
        {
            bool folder = claim.IsFolder;
            if (folder ? !Directory.Exists(claim.TempPath) : !File.Exists(claim.TempPath))
                throw new IOException($"The finished output for '{claim.FinalPath}' is missing from '{claim.TempPath}'.");
            if (folder ? File.Exists(claim.FinalPath) : Directory.Exists(claim.FinalPath))
                throw new OutputConflictException(OutputConflict.NotRvmOutput,
                    $"'{claim.FinalPath}' is a {(folder ? "file" : "folder")} now; the outputs were not moved into place.");
        }

        var setAside = new List<OutputClaim>();
        var placed = new List<OutputClaim>();
        try
        {
            foreach (var claim in claims)
            {
                if (!File.Exists(claim.FinalPath) && !Directory.Exists(claim.FinalPath)) continue;
                Move(claim.FinalPath, claim.BackupPath);
                setAside.Add(claim);
            }
            foreach (var claim in claims)
            {
                Move(claim.TempPath, claim.FinalPath);
                placed.Add(claim);
            }
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            // Undo in reverse: the new outputs go back to their temporaries (removed with the claims), the old return.
            foreach (var claim in placed) TryMove(Move, claim.FinalPath, claim.TempPath);
            foreach (var claim in setAside) TryMove(Move, claim.BackupPath, claim.FinalPath);
            // The new outputs are finished work: they stay where they are, and the error says where.
            var kept = new List<string>();
            foreach (var claim in claims)
            {
                if (!File.Exists(claim.TempPath) && !Directory.Exists(claim.TempPath)) continue;
                claim.KeepTemporary();
                kept.Add($"'{claim.TempPath}' (for '{claim.FinalPath}')");
            }
            var keptText = kept.Count == 0 ? "" : $" The new outputs are kept under their temporary names: {string.Join(", ", kept)}; " +
                "move them into place once nothing holds the old files (a conversion to the same names replaces them).";
            throw new IOException($"The outputs could not be moved into place ({e.Message}); the earlier files were restored.{keptText}", e);
        }
        foreach (var claim in setAside)
        {
            try { OutputClaim.DeleteEntry(claim.BackupPath); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }
    }

    private static void TryMove(Action<string, string> move, string from, string to)
    {
        try { move(from, to); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
    }
}

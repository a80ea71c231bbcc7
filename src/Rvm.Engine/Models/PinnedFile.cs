using System;

namespace Rvm.Models;

/// <summary>A file known by its size and SHA-256, where it can be fetched from, and under what name it is cached.</summary>
internal sealed class PinnedFile
{
    public PinnedFile(string fileName, long? size, string sha256, string? url = null)
    {
        FileName = fileName;
        Size = size;
        Sha256 = sha256.ToLowerInvariant();
        Url = url;
    }

    public string FileName { get; }
    /// <summary>Expected size in bytes; null where no third party published it.</summary>
    public long? Size { get; }
    public string Sha256 { get; }
    public string? Url { get; }

    /// <summary>Throws when the actual size or hash differ from the pin, naming expected and actual.</summary>
    public void Verify(string path, long actualSize, string actualSha256)
    {
        if (Size.HasValue && actualSize != Size.Value)
            throw new ModelVerificationException(
                $"'{path}' has {actualSize:N0} bytes but {FileName} should have {Size.Value:N0} bytes (a partial or wrong download).");
        if (!string.Equals(actualSha256, Sha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelVerificationException(
                $"'{path}' has SHA-256 {actualSha256} but {FileName} should have SHA-256 {Sha256}.");
    }
}

/// <summary>A model file did not match its pinned size or hash.</summary>
public sealed class ModelVerificationException : Exception
{
    public ModelVerificationException(string message) : base(message) { }
}

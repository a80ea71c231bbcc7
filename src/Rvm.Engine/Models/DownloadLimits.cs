using System;

namespace Rvm.Models;

/// <summary>How long and how much a model download may take before its source counts as failed.</summary>
internal sealed class DownloadLimits
{
    /// <summary>
    /// 30 s without a byte (connecting, waiting for headers, or between body reads); 30 min for the whole file, which
    /// lets the largest asset (ResNet50 fp32, 107 MB) arrive at 60 KB/s.
    /// </summary>
    public static readonly DownloadLimits Default = new DownloadLimits(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30));

    public DownloadLimits(TimeSpan idleTimeout, TimeSpan deadline)
    {
        IdleTimeout = idleTimeout;
        Deadline = deadline;
    }

    public TimeSpan IdleTimeout { get; }
    public TimeSpan Deadline { get; }

    /// <summary>The cap for a file whose size no third party published (ResNet50 fp16 is about 54 MB).</summary>
    public long UnpinnedMaxBytes { get; set; } = 512L << 20;
}

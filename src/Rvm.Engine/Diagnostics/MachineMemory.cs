using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Rvm.Diagnostics;

/// <summary>The memory this machine (or its container) gives the process, for the default size guard.</summary>
internal static class MachineMemory
{
    private static readonly Lazy<long?> Total = new Lazy<long?>(() => FromRuntime() ?? FromProcMeminfo());

    /// <summary>Total memory available to this process in bytes; null where it cannot be told (Windows PowerShell 5.1).</summary>
    public static long? TotalBytes => Total.Value;

    /// <summary>The default -MaxMemory: half the machine, leaving the rest to the system and to other work.</summary>
    public static long? DefaultLimitBytes => TotalBytes / 2;

    /// <summary>GC.GetGCMemoryInfo().TotalAvailableMemoryBytes (.NET Core 3.0 and later; honours container limits), by reflection from netstandard2.0.</summary>
    private static long? FromRuntime()
    {
        try
        {
            var info = typeof(GC).GetMethod("GetGCMemoryInfo", Type.EmptyTypes)?.Invoke(null, null);
            var bytes = info?.GetType().GetProperty("TotalAvailableMemoryBytes")?.GetValue(info);
            return bytes is long b && b > 0 ? b : (long?)null;
        }
        catch (Exception e) when (e is System.Reflection.TargetInvocationException || e is NotSupportedException || e is MemberAccessException)
        {
            return null;
        }
    }

    private static long? FromProcMeminfo()
    {
        const string path = "/proc/meminfo";
        if (!File.Exists(path)) return null;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var parts = line?.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        return parts != null && parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : (long?)null;
    }
}

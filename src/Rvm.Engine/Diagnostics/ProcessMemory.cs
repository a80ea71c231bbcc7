using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Rvm.Diagnostics;

/// <summary>Peak resident memory and allocation counts of this process, for benchmarks.</summary>
public static class ProcessMemory
{
    private static readonly MethodInfo? TotalAllocated =
        typeof(GC).GetMethod("GetTotalAllocatedBytes", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(bool) }, null);

    /// <summary>Peak resident set size (VmHWM on Linux), in bytes.</summary>
    public static long PeakResidentBytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line != null) return long.Parse(line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>Starts a new peak (Linux: writing 5 to clear_refs resets VmHWM to the current RSS). False where unsupported.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Bytes allocated by managed code so far (GC.GetTotalAllocatedBytes), or -1 where the runtime lacks it.</summary>
    public static long AllocatedBytes() => TotalAllocated != null ? (long)TotalAllocated.Invoke(null, new object[] { false })! : -1;
}

using System;
using System.Diagnostics;
using System.IO;

namespace Rvm.Diagnostics;

/// <summary>CPU time of this process and of its finished children (the ffmpeg processes), for benchmarks.</summary>
internal static class ProcessCpu
{
    /// <summary>This process's CPU time, all threads, user and system.</summary>
    public static TimeSpan Own()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>
    /// CPU time of this process's children that have exited and been waited for (Linux: cutime + cstime of
    /// /proc/self/stat, in clock ticks of 1/100 s); null where that is not available.
    /// </summary>
    public static TimeSpan? FinishedChildren()
    {
        const string stat = "/proc/self/stat";
        if (!File.Exists(stat)) return null;
        var text = File.ReadAllText(stat);
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
        var fields = text.Substring(text.LastIndexOf(')') + 2).Split(' ');
        long cutime = long.Parse(fields[13]), cstime = long.Parse(fields[14]);
        return TimeSpan.FromMilliseconds((cutime + cstime) * 10.0);
    }
}

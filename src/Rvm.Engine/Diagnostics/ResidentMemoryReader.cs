using System;
using System.Diagnostics;
using System.IO;

namespace Rvm.Diagnostics;

/// <summary>
/// Reads this process's resident set size again and again without allocating (Linux: /proc/self/statm kept open,
/// read from its start into one buffer), so sampling it during a conversion leaves the benchmark's count of managed
/// bytes allocated per frame as it was. Elsewhere it falls back to the working set, which allocates.
/// </summary>
internal sealed class ResidentMemoryReader : IDisposable
{
    private readonly FileStream? _statm;
    private readonly byte[] _buffer = new byte[128];

    public ResidentMemoryReader()
    {
        try
        {
            _statm = new FileStream("/proc/self/statm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { _statm = null; }
    }

    /// <summary>Resident bytes now.</summary>
    public long Read()
    {
        if (_statm == null)
        {
            using var self = Process.GetCurrentProcess();
            return self.WorkingSet64;
        }
        _statm.Seek(0, SeekOrigin.Begin);
        int length = _statm.Read(_buffer, 0, _buffer.Length);
        return ResidentPages(_buffer, length) * Environment.SystemPageSize;
    }

    /// <summary>statm's second field: "size resident shared text lib data dt", in pages.</summary>
    internal static long ResidentPages(byte[] statm, int length)
    {
        int i = 0;
        while (i < length && statm[i] != ' ') i++;
        i++;
        long pages = 0;
        for (; i < length && statm[i] >= '0' && statm[i] <= '9'; i++) pages = pages * 10 + (statm[i] - '0');
        return pages;
    }

    public void Dispose() => _statm?.Dispose();
}

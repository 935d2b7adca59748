using System.Diagnostics;
using System.Globalization;

namespace NtkRepro.Numerics.Util;

/// <summary>The machine's memory, for choosing between holding data in memory and streaming it.</summary>
public static class MemoryInfo
{
    /// <summary>
    /// Bytes that can be allocated now without swapping: MemAvailable on Linux (it counts
    /// reclaimable page cache, which free memory does not); elsewhere what the GC can still use.
    /// </summary>
    public static long AvailableBytes()
    {
        const string meminfo = "/proc/meminfo";
        if (File.Exists(meminfo))
            foreach (var line in File.ReadLines(meminfo))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        var gc = GC.GetGCMemoryInfo();
        return Math.Max(0, gc.TotalAvailableMemoryBytes - gc.MemoryLoadBytes);
    }

    /// <summary>The most resident memory this process has used so far.</summary>
    public static long PeakResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    public static string Format(long bytes) => bytes >= 1L << 30
        ? $"{bytes / (double)(1L << 30):F2} GiB"
        : $"{bytes / (double)(1L << 20):F1} MiB";
}

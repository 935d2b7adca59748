using System.Runtime;
using System.Runtime.InteropServices;
using TorchSharp;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>What the process holds natively: resident memory and live TorchSharp tensors.</summary>
public readonly record struct NativeFootprint(long ResidentBytes, long LiveTensors)
{
    private const long NoGcBudgetBytes = 64L << 20;

    public static NativeFootprint Now() => new(ResidentSetBytes(), torch.Tensor.TotalCount);

    /// <summary>VmRSS from /proc/self/status.</summary>
    public static long ResidentSetBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:"));
        var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]);
        return kb * 1024;
    }

    /// <summary>
    /// Bytes glibc's malloc has handed out and not got back (mallinfo2: in use in every arena, and
    /// mmapped chunks), or null where the C library is not glibc. libtorch's CPU tensors and
    /// Marshal.AllocHGlobal come from it. Unlike resident memory, it does not include what malloc
    /// keeps for reuse, so it grows with a leak from the first leaked byte.
    /// </summary>
    public static long? NativeHeapInUseBytes()
    {
        if (!_mallinfo2Available) return null;
        try
        {
            var m = mallinfo2();
            return (long)(m.uordblks + m.hblkhd);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _mallinfo2Available = false;
            return null;
        }
    }

    private static bool _mallinfo2Available = OperatingSystem.IsLinux();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc")]
    private static extern MallInfo2 mallinfo2();

    /// <summary>A full collection with every pending finalizer run (TorchSharp objects dispose themselves in finalizers).</summary>
    public static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>
    /// How many tensors <paramref name="action"/> creates and leaves undisposed, i.e. leaves to the
    /// finalizer thread. Counted with the garbage collector held off, so that no finalizer runs
    /// meanwhile and hides one (a finalized tensor leaves the live count).
    /// </summary>
    public static long TensorsLeftBy(Action action)
    {
        CollectGarbage(); // earlier garbage is finalized now, not during the count
        if (!GC.TryStartNoGCRegion(NoGcBudgetBytes))
            throw new InvalidOperationException("could not hold the garbage collector off");
        long before = torch.Tensor.TotalCount;
        try
        {
            action();
        }
        finally
        {
            bool held = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
            if (held) GC.EndNoGCRegion();
            if (!held) throw new InvalidOperationException($"the action allocated more than {NoGcBudgetBytes >> 20} MiB, so a collection ran during the count");
        }
        return torch.Tensor.TotalCount - before;
    }

    public override string ToString() => $"RSS {ResidentBytes / 1048576.0:F1} MiB, {LiveTensors} live tensors";
}

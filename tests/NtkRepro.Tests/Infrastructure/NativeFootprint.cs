using System.Runtime;
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

using TorchSharp;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>What the process holds natively: resident memory and live TorchSharp tensors.</summary>
public readonly record struct NativeFootprint(long ResidentBytes, long LiveTensors)
{
    public static NativeFootprint Now() => new(ResidentSetBytes(), torch.Tensor.TotalCount);

    /// <summary>A full collection with every pending finalizer run (TorchSharp objects dispose themselves in finalizers).</summary>
    public static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>VmRSS from /proc/self/status.</summary>
    public static long ResidentSetBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:"));
        var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]);
        return kb * 1024;
    }

    public override string ToString() => $"RSS {ResidentBytes / 1048576.0:F1} MiB, {LiveTensors} live tensors";
}

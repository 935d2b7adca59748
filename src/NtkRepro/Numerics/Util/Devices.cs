using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Util;

/// <summary>
/// Parses a device name from the command line. An unavailable device is an error, never a
/// silent fallback to the CPU.
/// </summary>
public static class Devices
{
    public static Device Parse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n == "cpu") return torch.CPU;
        if (n == "cuda" || n.StartsWith("cuda:"))
        {
            if (!torch.cuda.is_available())
                throw new ArgumentException(
                    $"device '{name}': CUDA is not available here (a CUDA GPU and its driver must be present, and libtorch's CUDA part: " +
                    "build with -p:TorchBackend=cuda, or with -p:TorchBackend=external and a CUDA libtorch such as PyTorch's torch/lib on LD_LIBRARY_PATH)");
            int index = 0;
            if (n.Length > 5 && !int.TryParse(n[5..], out index))
                throw new ArgumentException($"device '{name}': expected cuda or cuda:<index>");
            if (index >= torch.cuda.device_count())
                throw new ArgumentException($"device '{name}': only {torch.cuda.device_count()} CUDA device(s)");
            return torch.device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"device '{name}': expected cpu, cuda or cuda:<index>");
    }

    /// <summary>
    /// Runs CPU work on <paramref name="threads"/> intra-op threads until disposed, then restores
    /// the count. Reproducible as long as the count inside is fixed, whatever it is outside.
    /// </summary>
    public static IDisposable UseThreads(int threads)
    {
        int previous = torch.get_num_threads();
        if (previous != threads) torch.set_num_threads(threads);
        return new Restore(() => { if (torch.get_num_threads() != previous) torch.set_num_threads(previous); });
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>Fixes the CPU thread count when given; reproducible figures need the same count.</summary>
    public static void SetThreads(int? threads)
    {
        if (threads is { } t)
        {
            if (t < 1) throw new ArgumentException($"threads {t}: must be at least 1");
            torch.set_num_threads(t);
        }
    }
}

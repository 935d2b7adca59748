using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace NtkRepro.Numerics.Native;

/// <summary>
/// Process-wide settings of the native runtime, made before libtorch initialises. On glibc,
/// malloc keeps libtorch's step-sized buffers mapped (mmap threshold, trim threshold and top pad
/// raised): with the defaults every training step returns its activations to the OS and faults
/// them back in, several times slower. The user's own malloc settings are respected.
/// oneDNN's instruction set is left to oneDNN (or the user's ONEDNN_MAX_CPU_ISA) and reported:
/// capping it at AVX2 does not make its convolutions correct where they are wrong, and slows them
/// where they are right; <see cref="CpuConvolution"/> handles their correctness.
/// </summary>
public static class CpuRuntimeSetup
{
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    // glibc's mallopt parameters (malloc.h) and the values set.
    private const int MTrimThreshold = -1, MTopPad = -2, MMmapThreshold = -3;
    public const int MmapThresholdBytes = 32 << 20;   // the largest glibc accepts on 64-bit
    public const int TrimThresholdBytes = 1 << 30;
    public const int TopPadBytes = 64 << 20;
    public static readonly IReadOnlyList<string> AllocatorVariables =
        ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_", "MALLOC_ARENA_MAX"];

    private static readonly object Gate = new();
    private static NativeSettings? _applied;

    /// <summary>What is in force (applying the settings first if needed).</summary>
    public static NativeSettings Settings => Apply();

    /// <summary>Applies the settings once per process; later calls return what was applied.</summary>
    public static NativeSettings Apply()
    {
        lock (Gate)
        {
            if (_applied is not null) return _applied;
            var cpu = CpuDescription.Read();
            var isa = NativeGetenv(OneDnnIsaVariable) is { Length: > 0 } user
                ? $"{user} (the user's {OneDnnIsaVariable})"
                : $"oneDNN's default ({(cpu.HasAvx512 ? "AVX-512" : cpu.HasAvx2 ? "AVX2" : "below AVX2")})";
            return _applied = new NativeSettings(cpu.ToString(), isa, ApplyAllocator());
        }
    }

    /// <summary>Whether the allocator thresholds should be set: glibc, and no malloc setting of the user's.</summary>
    public static (bool Set, string Reason) DecideAllocator(bool glibc, Func<string, string?> getenv)
    {
        if (!glibc) return (false, "platform default (not glibc)");
        var userSet = AllocatorVariables.Where(v => !string.IsNullOrEmpty(getenv(v))).ToList();
        if (getenv("GLIBC_TUNABLES") is { } t && t.Contains("glibc.malloc.")) userSet.Add("GLIBC_TUNABLES");
        return userSet.Count > 0 ? (false, $"glibc malloc as the user set it ({string.Join(", ", userSet)})") : (true, "");
    }

    private static string ApplyAllocator()
    {
        var (set, reason) = DecideAllocator(IsGlibc(), NativeGetenv);
        if (!set) return reason;
        bool ok = mallopt(MMmapThreshold, MmapThresholdBytes) == 1
                  & mallopt(MTrimThreshold, TrimThresholdBytes) == 1
                  & mallopt(MTopPad, TopPadBytes) == 1;
        return ok
            ? $"glibc malloc with mmap threshold {MmapThresholdBytes >> 20} MiB, trim threshold {TrimThresholdBytes >> 20} MiB, top pad {TopPadBytes >> 20} MiB"
            : "glibc malloc defaults (mallopt refused the thresholds)";
    }

    /// <summary>The variable as native code sees it (libc getenv), not .NET's copy.</summary>
    public static string? NativeGetenv(string name)
    {
        if (OperatingSystem.IsWindows()) return Environment.GetEnvironmentVariable(name);
        var p = getenv(name);
        return p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);
    }

    private static bool IsGlibc()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return gnu_get_libc_version() != IntPtr.Zero; }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
    }

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr getenv(string name);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr gnu_get_libc_version();
}

/// <summary>The native settings made at start-up.</summary>
public sealed record NativeSettings(string Cpu, string OneDnnIsa, string Allocator);

/// <summary>The machine line printed by bench and reproduce and written into every report: CPU, threads and native settings in force.</summary>
public static class MachineDescription
{
    /// <summary>Introduces the last part of the line, the libtorch loaded (its folder differs between installations of the same build).</summary>
    public const string LibtorchSegment = "; libtorch: ";

    /// <summary>Starts the line of work that ran on a CUDA device.</summary>
    public const string CudaPrefix = "CUDA device ";

    /// <summary>
    /// The line for work on <paramref name="device"/>: a CUDA device leads it (a CUDA run and a CPU
    /// run on the same host must never share a fingerprint); CPU work has no prefix.
    /// </summary>
    public static string Describe(TorchSharp.torch.Device? device = null)
    {
        var s = CpuRuntimeSetup.Settings;
        var cuda = device is { type: TorchSharp.DeviceType.CUDA } d ? $"{CudaPrefix}{d} of {TorchSharp.torch.cuda.device_count()} visible; host " : "";
        return cuda + $"{s.Cpu}, {TorchSharp.torch.get_num_threads()} torch threads; oneDNN ISA: {s.OneDnnIsa}; convolutions: {CpuConvolution.Description}; allocator: {s.Allocator}" +
               LibtorchSegment + Libtorch.Describe();
    }

    /// <summary>The line without the folder libtorch was loaded from: two copies of one build are one machine.</summary>
    public static string WithoutLibtorchFolder(string line) =>
        line.IndexOf(LibtorchSegment, StringComparison.Ordinal) is var i and >= 0
            ? line[..i] + System.Text.RegularExpressions.Regex.Replace(line[i..], @" at \S+", "")
            : line;

    /// <summary>The line without its libtorch part: what determines the bits besides the libtorch build.</summary>
    public static string WithoutLibtorch(string line) =>
        line.IndexOf(LibtorchSegment, StringComparison.Ordinal) is var i and >= 0 ? line[..i] : line;
}

/// <summary>The CPU's name and the instruction sets that matter for libtorch.</summary>
public sealed record CpuDescription(string Name, bool HasAvx2, bool HasAvx512)
{
    public static CpuDescription Read()
    {
        uint ebx7 = X86Base.IsSupported ? (uint)X86Base.CpuId(7, 0).Ebx : 0;
        return new CpuDescription(ModelName() ?? RuntimeInformation.ProcessArchitecture.ToString(),
            HasAvx2: (ebx7 & (1u << 5)) != 0, HasAvx512: (ebx7 & (1u << 16)) != 0); // CPUID.7.0:EBX bits AVX2, AVX512F
    }

    private static string? ModelName()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return null;
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"));
            return line?[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return null; }
    }

    public override string ToString() =>
        $"{Name} ({Environment.ProcessorCount} cores, {(HasAvx512 ? "AVX-512" : HasAvx2 ? "AVX2, no AVX-512" : "no AVX2")})";
}

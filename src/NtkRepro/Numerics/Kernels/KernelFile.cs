using NtkRepro.Numerics.Util;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Kernels;

/// <summary>What a saved kernel is: written as JSON beside its .npy.</summary>
public sealed record KernelInfo(
    string Kind,                 // "class-blocks" (C,N,N), "full" (C,C,N,N) or "trace" (N,N)
    string Model,
    string Checkpoint,           // relative to the kernel file's folder
    double? Epoch,
    IReadOnlyList<long> SubsetIndices,
    IReadOnlyList<long> SubsetLabels,
    IReadOnlyList<long> Shape,
    string Dtype,
    string? Class = null);

public static class KernelFile
{
    public static string InfoPath(string npyPath) => Path.ChangeExtension(npyPath, ".json");

    public static void Save(string npyPath, Tensor kernel, KernelInfo info)
    {
        NpyFile.Write(npyPath, kernel);
        AtomicFile.WriteJson(InfoPath(npyPath), info with { Shape = kernel.shape, Dtype = kernel.dtype.ToString().ToLowerInvariant() });
    }

    public static (Tensor Kernel, KernelInfo Info) Load(string npyPath) =>
        (NpyFile.Read(npyPath), Json.Read<KernelInfo>(InfoPath(npyPath)));

    /// <summary>True when both the kernel and its description are complete on disk.</summary>
    public static bool Exists(string npyPath) => File.Exists(npyPath) && File.Exists(InfoPath(npyPath));
}

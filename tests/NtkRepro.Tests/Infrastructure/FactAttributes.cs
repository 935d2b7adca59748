using NtkRepro.Numerics.Data;
using Xunit;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>A fact that needs something of the machine: skipped, with the missing requirements named, where they are not met.</summary>
public class EnvironmentFactAttribute : FactAttribute
{
    public EnvironmentFactAttribute(TestRequirement requirements)
    {
        Requirements = requirements;
        if (TestEnvironment.Missing(requirements) is { } reason) Skip = reason;
    }

    public TestRequirement Requirements { get; }
}

/// <summary>A fact that is skipped, with the reason, where no CUDA device is available.</summary>
public sealed class CudaFactAttribute() : EnvironmentFactAttribute(TestRequirement.Cuda);

/// <summary>
/// A fact that needs real CIFAR-10 in the data root (the subset or, with <c>full</c>, the full
/// download); skipped with the reason where none is found.
/// </summary>
public sealed class CifarFactAttribute(bool full = false) : EnvironmentFactAttribute(full ? TestRequirement.FullCifar10 : TestRequirement.Cifar10);

public static class TestData
{
    public static CifarSource? Cifar10(bool full = false)
    {
        var root = DataRoot.Resolve();
        if (root == null) return null;
        var source = CifarSource.Find(root.Path, CifarSource.Cifar10);
        return source == null || (full && !source.IsFull) ? null : source;
    }

    public static string? MissingCifar10Reason(bool full)
    {
        var root = DataRoot.Resolve();
        if (root == null) return "needs CIFAR-10: " + DataRoot.NotFoundHelp;
        var source = CifarSource.Find(root.Path, CifarSource.Cifar10);
        if (source == null) return $"needs CIFAR-10: none found in data root {root.Path}";
        if (full && !source.IsFull) return $"needs the full CIFAR-10 download: data root {root.Path} holds only the subset";
        return null;
    }

    public static string? MissingCifar100Reason()
    {
        var root = DataRoot.Resolve();
        if (root == null) return "needs CIFAR-100: " + DataRoot.NotFoundHelp;
        return CifarSource.Find(root.Path, CifarSource.Cifar100) is null
            ? $"needs CIFAR-100: none found in data root {root.Path} ('ntkrepro data --download cifar100' fetches it)" : null;
    }

    /// <summary>Copies a folder tree (a store, moved or planted into) to another folder, created if missing.</summary>
    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }

    public static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ntkrepro-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}

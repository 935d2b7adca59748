namespace NtkRepro.Numerics.Data;

/// <summary>
/// Where datasets live. Resolved from, in order: an explicit option (<c>--data</c>), the
/// <c>NTKREPRO_DATA</c> environment variable, then the conventional <c>../shared/data</c> beside
/// the repository checkout (found by walking up to <c>NtkRepro.sln</c>).
/// </summary>
public sealed record DataRoot(string Path, string HowFound)
{
    public const string EnvironmentVariable = "NTKREPRO_DATA";

    public static string NotFoundHelp =>
        $"No data root found. Pass --data <dir> or set {EnvironmentVariable} to a folder holding CIFAR-10 " +
        "(the official cifar-10-batches-bin/, or the subset's cifar10/train_subset.bin.gz); " +
        "'ntkrepro data --download cifar10 --data <dir>' fetches the official archive where the machine is online.";

    /// <summary>The data root, or null when none of the sources names an existing folder.</summary>
    public static DataRoot? Resolve(string? option = null)
    {
        if (!string.IsNullOrWhiteSpace(option))
            return Existing(option, "--data option")
                   ?? throw new DirectoryNotFoundException($"--data {option}: folder not found");
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
            return Existing(env, $"{EnvironmentVariable} environment variable")
                   ?? throw new DirectoryNotFoundException($"{EnvironmentVariable}={env}: folder not found");
        var repo = RepositoryRoot();
        if (repo != null)
        {
            var beside = System.IO.Path.Combine(repo, "..", "shared", "data");
            return Existing(beside, "../shared/data beside the repository");
        }
        return null;
    }

    private static DataRoot? Existing(string path, string how) =>
        Directory.Exists(path) ? new DataRoot(System.IO.Path.GetFullPath(path), how) : null;

    /// <summary>The checkout holding NtkRepro.sln, searched upwards from the working and the app folder.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "NtkRepro.sln")))
                    return dir.FullName;
        }
        return null;
    }
}

using NtkRepro.Numerics.Data;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>Where a preset's artifacts go by default: runs/&lt;preset&gt; in the repository (git-ignored), else in the working folder.</summary>
public static class ArtifactsFolder
{
    public const string EnvironmentVariable = "NTKREPRO_RUNS";

    public static string Default(string preset)
    {
        var root = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
            : Path.Combine(DataRoot.RepositoryRoot() ?? Directory.GetCurrentDirectory(), "runs");
        return Path.Combine(root, preset);
    }
}

using NtkRepro.Numerics.Data;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>
/// A step's folder carries a hash of its whole configuration, so anything that reaches the serialized
/// configuration (a new public property on a configuration record, a renamed member, a changed default)
/// moves the folder, and a finished store silently recomputes everything. Every preset's step folders are
/// kept as a snapshot written by running the planner (baselines/plans/__snapshots__/step-folders.snap):
/// a change that moves one fails here, and its diff is reviewed like code before the snapshot is accepted.
/// </summary>
[Tier(TestTier.Fast)]
public class StepFolderTests
{
    [Fact]
    public void EveryPresetsStepFoldersAreTheReviewedOnes()
    {
        var folders = Presets.All.ToDictionary(p => p.Name, p => Planner.For(p).Steps.Select(s => $"{s.Key} -> {s.Folder}").Order(StringComparer.Ordinal).ToList());
        var root = DataRoot.RepositoryRoot() ?? throw new InvalidOperationException("tests must run inside the repository");
        Snapshot.Match(folders, new SnapshotFullName("step-folders.snap", Path.Combine(root, "baselines", "plans")));
    }
}

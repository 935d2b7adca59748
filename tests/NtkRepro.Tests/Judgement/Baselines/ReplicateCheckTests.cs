using NtkRepro.Judgement.Baselines;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Judgement.Baselines;

/// <summary>A received snapshot that lacks replicates, or whose figures do not follow from its replicates, never matches.</summary>
[Tier(TestTier.Fast)]
public class ReplicateCheckTests
{
    public static TheoryData<string> Committed() => new(["smoke", "mini", "gpu-smoke-cpu"]);

    private static FigureSet Baseline(string preset) => BaselineSnapshots.Read(preset) ?? throw new InvalidOperationException($"no committed baseline for '{preset}'");

    private static IReadOnlyList<double> Drop(IReadOnlyList<double> values, int replicate) =>
        values.Count > replicate ? values.Where((_, i) => i != replicate).ToList() : values;

    [Theory]
    [MemberData(nameof(Committed))]
    public void EveryCommittedBaselineFollowsFromItsReplicates(string preset) =>
        ReplicateCheck.RequireConsistent(Baseline(preset), "baseline");

    [Theory]
    [MemberData(nameof(Committed))]
    public void AReplicateDroppedFromEveryFigureWithItsMeanLeftIsUnusableInput(string preset)
    {
        var b = Baseline(preset);
        // The received side as the issue planted it: per-replicate lists one shorter, mean, standard error and degrees of freedom as they were; another machine (statistical mode).
        var received = b with { Figures = b.Figures.Select(f => f with { PerReplicate = Drop(f.PerReplicate, 1) }).ToList(), Fingerprint = null };
        var ex = Assert.Throws<InvalidDataException>(() => SnapshotComparison.Compare(b, received));
        Assert.Contains("received snapshot's figure", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Committed))]
    public void AConsistentSnapshotWithAReplicateFewerIsAMismatchNamingTheReplicate(string preset)
    {
        var b = Baseline(preset);
        var received = b with
        {
            Fingerprint = null,
            Figures = b.Figures.Select(f =>
            {
                if (f.Kind == FigureKind.Statistic || f.PerReplicate.Count < 2) return f;
                var kept = Drop(f.PerReplicate, 1);
                var e = Estimate.FromReplicates(kept);
                return f.Kind == FigureKind.Accuracy ? f with { Mean = e.Mean, PerReplicate = kept } : Figure.Of(f.Name, f.Kind, e);
            }).ToList(),
        };
        var report = SnapshotComparison.Compare(b, received);
        Assert.False(report.Matches);
        Assert.Contains(report.Rows, r => r.Fails && r.Name.StartsWith("replicates: ", StringComparison.Ordinal) && r.Difference == "replicate 1 missing");
    }

    [Fact]
    public void TheSameSnapshotHasNoReplicateRow()
    {
        var b = Baseline("mini");
        Assert.DoesNotContain(SnapshotComparison.Compare(b, b with { Fingerprint = null }).Rows, r => r.Name.StartsWith("replicates: ", StringComparison.Ordinal));
    }
}

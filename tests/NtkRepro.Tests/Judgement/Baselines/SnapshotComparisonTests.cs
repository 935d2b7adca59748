using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Judgement.Baselines;

/// <summary>The comparison's two modes and its verdict rule, on constructed snapshots.</summary>
[Tier(TestTier.Fast)]
public class SnapshotComparisonTests
{
    private static readonly Fingerprint Here = new("cpu A, 2 torch threads", "0.107.0.0", "libtorch-cpu-linux-x64/2.10.0", "synthetic", "abc");

    /// <summary>k accuracies of one family and k kernel figures, n replicates each, independent noise of the given spread.</summary>
    public static FigureSet Constructed(int k = 40, int n = 4, double accuracySd = 0.02, double kernelCv = 0.1, int seed = 1)
    {
        var rng = new Random(seed);
        var figures = new List<Figure>();
        for (int i = 0; i < k; i++)
        {
            double p = 0.2 + 0.5 * i / k;
            figures.Add(Of($"v.child.a{i}.robust", FigureKind.Accuracy, Enumerable.Range(0, n).Select(_ => p + accuracySd * SimulatedRerun.Gaussian(rng)).ToList()));
            double m = 0.05 + 0.01 * i;
            figures.Add(Of($"v.stage1.benign.kernel@{i}.distance_to_final", FigureKind.Kernel, Enumerable.Range(0, n).Select(_ => m * (1 + kernelCv * SimulatedRerun.Gaussian(rng))).ToList()));
        }
        return new FigureSet("synthetic-test", figures, []) { Fingerprint = Here };
    }

    public static Figure Of(string name, FigureKind kind, IReadOnlyList<double> values) => Figure.Of(name, kind, Estimate.FromReplicates(values));

    private static FigureSet Map(FigureSet s, Func<Figure, bool> which, Func<double, double> f) =>
        s with { Figures = s.Figures.Select(x => which(x) ? Shifted(x, f) : x).ToList(), Fingerprint = null };

    private static Figure Shifted(Figure x, Func<double, double> f) => Figure.Of(x.Name, x.Kind, Estimate.FromReplicates(x.PerReplicate.Select(f).ToList()));

    [Fact]
    public void EqualFingerprintsCompareBitForBitAndNameEveryFigureThatMoved()
    {
        var a = Constructed();
        var same = SnapshotComparison.Compare(a, a);
        Assert.Equal(ComparisonMode.Exact, same.Mode);
        Assert.True(same.Matches, same.Format());
        var nudged = a with { Figures = a.Figures.Select((f, i) => i == 3 ? Shifted(f, v => v * (1 + 1e-9)) : f).ToList() };
        var exact = SnapshotComparison.Compare(a, nudged);
        Assert.False(exact.Matches);
        var row = Assert.Single(exact.Failures);
        Assert.Equal(a.Figures[3].Name, row.Name);
        Assert.Equal(Check.Exact, row.FlaggedBy);
        Assert.Contains("fingerprints are equal", exact.Format());
        // A relative 1e-13 is text round-off, not a change.
        var roundOff = a with { Figures = a.Figures.Select((f, i) => i == 3 ? f with { Mean = f.Mean * (1 + 1e-13) } : f).ToList() };
        Assert.True(SnapshotComparison.Compare(a, roundOff).Matches);
        // The same nudge on another machine is noise.
        var elsewhere = nudged with { Fingerprint = Here with { Machine = "cpu B, 1 torch threads" } };
        var statistical = SnapshotComparison.Compare(a, elsewhere);
        Assert.Equal(ComparisonMode.Statistical, statistical.Mode);
        Assert.Contains("differ in machine", statistical.ModeReason);
        Assert.True(statistical.Matches, statistical.Format());
    }

    [Fact]
    public void AVerdictOrTestDecisionThatDiffersFailsTheExactMode()
    {
        var a = Constructed() with { Verdicts = [Entry("C8", Verdict.Reproduced, Decision.Supported, 0.01)] };
        var b = a with { Verdicts = [Entry("C8", Verdict.Reproduced, Decision.Undecided, 0.04)] };
        Assert.True(SnapshotComparison.Compare(a, a).Matches);
        Assert.Equal(Check.Verdict, Assert.Single(SnapshotComparison.Compare(a, b).Failures).FlaggedBy);
    }

    [Fact]
    public void AFigureBeyondItsToleranceFailsAndOneWithinPasses()
    {
        var a = Constructed();
        var stats = new StatisticalComparison(a);
        string name = a.Figures[0].Name;
        double tolerance = stats.Tolerance(name, 4, a.Figures.Count);
        Assert.True(tolerance > 0 && tolerance < 0.2, $"tolerance {tolerance}");
        var within = Map(a, f => f.Name == name, v => v + 0.8 * tolerance);
        Assert.True(SnapshotComparison.Compare(a, within).Matches, SnapshotComparison.Compare(a, within).Format());
        var beyond = Map(a, f => f.Name == name, v => v + 1.2 * tolerance);
        var report = SnapshotComparison.Compare(a, beyond);
        Assert.Equal(name, Assert.Single(report.Failures).Name);
        Assert.Contains("σ", report.Format());
    }

    [Fact]
    public void AReceivedRunCannotWidenItsOwnAllowance()
    {
        var a = Constructed();
        string name = a.Figures[0].Name;
        double tolerance = new StatisticalComparison(a).Tolerance(name, 4, a.Figures.Count);
        // Beyond tolerance, and ten times noisier than the baseline: still a failure.
        var noisy = a with
        {
            Figures = a.Figures.Select(f => f.Name != name ? f
                : Figure.Of(f.Name, f.Kind, Estimate.FromReplicates(f.PerReplicate.Select((v, j) => f.Mean + 1.5 * tolerance + (j % 2 == 0 ? 1 : -1) * 10 * tolerance).ToList()))).ToList(),
            Fingerprint = null,
        };
        Assert.Contains(SnapshotComparison.Compare(a, noisy).Failures, r => r.Name == name);
    }

    [Fact]
    public void ASmallShiftSharedByAFamilyFailsItsOmnibusTestThoughEveryFigureIsWithinTolerance()
    {
        var a = Constructed();
        var stats = new StatisticalComparison(a);
        var robust = a.Figures.Where(f => f.Name.EndsWith(".robust")).ToList();
        double smallest = robust.Min(f => stats.Tolerance(f.Name, 4, a.Figures.Count));
        var shifted = Map(a, f => f.Name.EndsWith(".robust"), v => v - 0.4 * smallest);
        var report = SnapshotComparison.Compare(a, shifted);
        Assert.DoesNotContain(report.Failures, r => r.FlaggedBy == Check.Figure);
        var family = Assert.Single(report.Failures);
        Assert.Equal(Check.Family, family.FlaggedBy);
        Assert.Contains("accuracies (robust)", family.Name);
    }

    [Fact]
    public void AFigureOnOneSideOnlyFails()
    {
        var a = Constructed();
        var fewer = a with { Figures = a.Figures.Skip(1).ToList(), Fingerprint = null };
        var report = SnapshotComparison.Compare(a, fewer);
        Assert.Equal(Check.Presence, Assert.Single(report.Failures).FlaggedBy);
        Assert.Contains("figure gone", report.Format());
    }

    [Fact]
    public void SnapshotsThatCannotBeComparedAreUnusableInput()
    {
        var a = Constructed();
        Assert.Contains("different presets", Assert.Throws<InvalidDataException>(() => SnapshotComparison.Compare(a, a with { Preset = "other" })).Message);
        var renamed = a with { Figures = a.Figures.Select(f => f with { Name = "x." + f.Name }).ToList() };
        Assert.Contains("no figure in common", Assert.Throws<InvalidDataException>(() => SnapshotComparison.Compare(a, renamed)).Message);
        var twice = a with { Figures = [.. a.Figures, a.Figures[0]] };
        Assert.Contains("twice", Assert.Throws<InvalidDataException>(() => SnapshotComparison.Compare(a, twice)).Message);
    }

    private static VerdictEntry Entry(string id, Verdict verdict, Decision decision, double supportP, int dof = 3, string variant = "v") =>
        new(id, variant, verdict, [$"{variant}.claim.{id}.effect"]) { Tests = [new TestEntry($"{variant}.claim.{id}.effect", decision, supportP, 1 - supportP, 0.05, true)] };

    private static FigureSet WithClaim(FigureSet s, VerdictEntry v) =>
        s with { Figures = [.. s.Figures, Of(v.Tests[0].Figure, FigureKind.Statistic, [0.10, 0.12, 0.11, 0.13])], Verdicts = [v], Fingerprint = null };

    [Fact]
    public void AVerdictThatChangesNearItsThresholdIsBorderlineAndAnErasedEffectFails()
    {
        var a = Constructed();
        // p = 0.04 and 0.07: the statistic within 2 SE of the 5% threshold in both runs.
        var near = SnapshotComparison.Compare(WithClaim(a, Entry("C8", Verdict.Reproduced, Decision.Supported, 0.04)),
            WithClaim(a, Entry("C8", Verdict.Inconclusive, Decision.Undecided, 0.07)));
        var row = Assert.Single(near.Rows, r => r.FlaggedBy == Check.Verdict);
        Assert.False(row.Fails, row.Tolerance);
        Assert.Contains("borderline", row.Tolerance);
        // p = 0.0005 in the baseline (far above the threshold), 0.5 now: the effect was erased.
        var erased = SnapshotComparison.Compare(WithClaim(a, Entry("C8", Verdict.Reproduced, Decision.Supported, 0.0005)),
            WithClaim(a, Entry("C8", Verdict.Inconclusive, Decision.Undecided, 0.5)));
        Assert.True(Assert.Single(erased.Rows, r => r.FlaggedBy == Check.Verdict).Fails);
        // Reproduced ↔ contradicted, and a premise that decided differently, always fail.
        var flipped = SnapshotComparison.Compare(WithClaim(a, Entry("C8", Verdict.Reproduced, Decision.Supported, 0.04)),
            WithClaim(a, Entry("C8", Verdict.Contradicted, Decision.Contradicted, 0.97)));
        Assert.Contains("must not flip", Assert.Single(flipped.Failures).Tolerance);
        var premise = SnapshotComparison.Compare(WithClaim(a, Entry("C8", Verdict.Reproduced, Decision.Supported, 0.04)),
            WithClaim(a, Entry("C8", Verdict.NotTestable, Decision.Supported, 0.04)));
        Assert.Contains("premise", Assert.Single(premise.Failures).Tolerance);
    }

    [Fact]
    public void NearnessIsMeasuredInStandardErrorsFromEitherThreshold()
    {
        double dof = 5;
        TestEntry At(double t) => new("f", Decision.Undecided, 1 - StudentT.Cdf(t, dof), StudentT.Cdf(t, dof), 0.05 / 3, true);
        double support = StudentT.Quantile(0.95, dof), against = -StudentT.Quantile(1 - 0.05 / 3, dof);
        Assert.True(VerdictChanges.Near(At(support + 1.9), dof));
        Assert.False(VerdictChanges.Near(At(support + 2.1), dof));
        Assert.True(VerdictChanges.Near(At(against - 1.9), dof));
        Assert.False(VerdictChanges.Near(At(0.5 * (support + against)), dof) && support - against > 4);
        Assert.False(VerdictChanges.Near(At(support + 1), 0));
    }
}

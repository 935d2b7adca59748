using NtkRepro.Judgement.Baselines;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Judgement.Baselines;

/// <summary>
/// The statistical mode measured on the committed baselines: how often it raises a false alarm
/// when only noise differs (reruns simulated from each baseline's own replicates), and whether it
/// catches shifts planted into the mini snapshot. The rates are printed for the README's table.
/// </summary>
[Tier(TestTier.Fast)]
public class DetectionTests(ITestOutputHelper output)
{
    private const int Reruns = 200;

    public static IEnumerable<object[]> Presets => new[] { "mini", "smoke" }.Select(p => new object[] { p });

    private static FigureSet Baseline(string preset) =>
        BaselineSnapshots.Read(preset) ?? throw new InvalidOperationException($"no committed baseline for '{preset}'");

    [Theory]
    [MemberData(nameof(Presets))]
    public void AtMostOneSimulatedRerunInTwentyRaisesAFalseAlarm(string preset)
    {
        var baseline = Baseline(preset);
        var rng = new Random(20261202);
        int alarms = 0;
        var flagged = new Dictionary<string, int>();
        for (int i = 0; i < Reruns; i++)
        {
            var report = SnapshotComparison.Compare(baseline, SimulatedRerun.Draw(baseline, rng));
            if (report.Matches) continue;
            alarms++;
            foreach (var r in report.Failures) flagged[r.Name] = flagged.GetValueOrDefault(r.Name) + 1;
        }
        output.WriteLine($"{preset}: {alarms} of {Reruns} simulated reruns raised a false alarm ({100.0 * alarms / Reruns:F1}%)");
        foreach (var (name, count) in flagged.OrderByDescending(kv => kv.Value).Take(10)) output.WriteLine($"  {count}x {name}");
        Assert.True(alarms <= Reruns / 20, $"{alarms} of {Reruns} simulated reruns of '{preset}' failed the comparison: " + string.Join("; ", flagged.Select(kv => $"{kv.Key} ({kv.Value}x)")));
    }

    /// <summary>A planted shift: its name and what it does to a figure's replicate values (null: leaves the figure alone).</summary>
    public sealed record Plant(string Name, Func<FigureSet, FigureSet> Apply);

    private static Func<FigureSet, FigureSet> EachValue(Func<Figure, bool> which, Func<double, double> f) =>
        s => s with { Figures = s.Figures.Select(x => which(x) ? Replaced(x, x.PerReplicate.Select(f).ToList()) : x).ToList() };

    private static Figure Replaced(Figure x, IReadOnlyList<double> values)
    {
        var e = Estimate.FromReplicates(values);
        return x with { Mean = x.Mean - x.PerReplicate.Average() + e.Mean, StandardError = e.StandardError, PerReplicate = values };
    }

    private static bool Robust(Figure f) => f.Kind == FigureKind.Accuracy && f.Name.EndsWith(".robust", StringComparison.Ordinal);

    public static IReadOnlyList<Plant> Plants(FigureSet mini)
    {
        var reproduced = mini.Verdicts.First(v => v.Verdict == NtkRepro.Judgement.Claims.Verdict.Reproduced && v.Figures.Count > 0 && v.Id != "C17");
        return
        [
            new("every robust accuracy −3 points", EachValue(Robust, v => v - 0.03)),
            new("the AT parent's centered children's robust accuracy −5 points",
                EachValue(f => Robust(f) && f.Name.Contains(".child.adversarial@", StringComparison.Ordinal) && f.Name.Contains(".centered.", StringComparison.Ordinal), v => v - 0.05)),
            new("every distance to the final kernel ×1.3", EachValue(f => f.Name.EndsWith(".distance_to_final", StringComparison.Ordinal), v => v * 1.3)),
            new("every effective rank ×1.15", EachValue(f => f.Kind == FigureKind.EffectiveRank, v => v * 1.15)),
            new($"{reproduced.Id}'s effect set to zero ({reproduced.Variant})", s => s with
            {
                Figures = s.Figures.Select(f => reproduced.Figures.Contains(f.Name) ? Replaced(f, f.PerReplicate.Select(v => v - f.Mean).ToList()) : f).ToList(),
                Verdicts = s.Verdicts.Select(v => v == reproduced ? v with { Verdict = NtkRepro.Judgement.Claims.Verdict.Inconclusive } : v).ToList(),
            }),
            new("replicate 1's figures replaced by replicate 0's", s => s with
            {
                Figures = s.Figures.Select(f => f.PerReplicate.Count < 2 ? f : Replaced(f, f.PerReplicate.Select((v, j) => j == 1 ? f.PerReplicate[0] : v).ToList())).ToList(),
            }),
        ];
    }

    public static IEnumerable<object[]> PlantNames => Plants(Baseline("mini")).Select((p, i) => new object[] { i, p.Name });

    /// <summary>
    /// Each planted shift fails the statistical mode; the rate at which it is caught on top of
    /// simulated noise is printed. The committed mini baseline written before the paper's-regime
    /// preset (no fingerprint) has kernels that have not settled after 15 epochs: its distances
    /// to the final kernel vary by about ±47% between replicates, and ×1.3 is within the noise of
    /// 4 replicates there (the strongest omnibus statistic is 3.5 against a critical 3.67); that
    /// case runs once the baseline is the new preset's.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(PlantNames))]
    public void AShiftPlantedIntoTheMiniSnapshotFailsTheStatisticalMode(int index, string name)
    {
        var committed = Baseline("mini");
        Skip.If(committed.Fingerprint is null && name.Contains("distance to the final kernel", StringComparison.Ordinal),
            "the committed mini baseline predates the paper's-regime preset: its kernels have not settled, and ×1.3 on the distance to the final kernel is within its replicates' noise");
        var mini = committed with { Fingerprint = null };
        var plant = Plants(mini)[index];
        var report = SnapshotComparison.Compare(mini, plant.Apply(mini));
        var rng = new Random(7 + index);
        int caught = Enumerable.Range(0, Reruns / 2).Count(_ => !SnapshotComparison.Compare(mini, plant.Apply(SimulatedRerun.Draw(mini, rng))).Matches);
        output.WriteLine($"{plant.Name}: {(report.Matches ? "MISSED" : "caught")} by {string.Join(", ", report.Failures.Select(r => r.FlaggedBy).Distinct())}; " +
                         $"on top of simulated noise caught in {caught} of {Reruns / 2}");
        foreach (var o in new StatisticalComparison(mini).Omnibus(plant.Apply(mini)).OrderByDescending(o => Math.Abs(o.Statistic) / o.Critical).Take(3))
            output.WriteLine($"  omnibus {o.Group}: {o.Statistic:F2} against ±{o.Critical:F2} ({o.Figures} figures, correlation {o.Correlation:F2})");
        Assert.False(report.Matches, $"{name}: not caught\n{report.Format()}");
    }
}

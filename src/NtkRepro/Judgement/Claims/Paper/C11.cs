using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C11
{
    public static readonly Claim Claim = new(
        Id: "C11",
        Where: "Fig 2 left",
        Statement: "Centered training on benign parents gains robust accuracy as the spawn epoch grows",
        PaperFigure: "qualitative",
        Statistic: "robust accuracy of the centered children of the benign parent over every spawn epoch, paired by replicate and image: " +
            "the least-squares slope on the spawn epoch's rank, times the number of spawn epochs − 1 " +
            "(the fitted gain from the first spawn epoch to the last)",
        Rule: "lower 95% bound above 5 points (contradicted if significantly below 0: robustness falls with the spawn epoch; below the margin if significantly below 5 points)",
        NotTestable: NotAt(),
        Tests: Run,
        Premises: [Premises.ChildrenConverged(d => EverySpawn(d, ScheduleKind.Benign, Dynamics.Centered))]);

    private static Needed<IReadOnlyList<TestResult>> Run(ClaimData d)
    {
        var spawns = d.SpawnEpochs;
        if (spawns.Count < 2) return Gap.Missing("needs centered children at two spawn epochs or more");
        double meanRank = (spawns.Count - 1) / 2.0;
        double sxx = Enumerable.Range(0, spawns.Count).Sum(i => (i - meanRank) * (i - meanRank));
        var weights = Enumerable.Range(0, spawns.Count).Select(i => (spawns.Count - 1) * (i - meanRank) / sxx).ToList();
        return from figures in spawns.Select(t => d.Children(ScheduleKind.Benign, t, Dynamics.Centered)).All()
               from trend in ClaimData.Trend(figures, weights, figures.Select(_ => true).ToList())
               select (IReadOnlyList<TestResult>)[Tests.Above(new("fitted-gain-over-spawn-epochs",
                   $"fitted gain, spawn {Format.Number(spawns[0])} → {Format.Number(spawns[^1])} ({spawns.Count} spawn epochs)"), trend, 0.05, Pct, direction: 0)];
    }
}

using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C14
{
    public static readonly Claim Claim = new(
        Id: "C14",
        Where: "Fig 2 right",
        Statement: "Linearized dynamics: ‖Δf‖²/‖f0‖² peaks at early spawn epochs and decays towards 0 as the parent trains",
        PaperFigure: "qualitative",
        Statistic: "per replicate: ‖Δf‖²/‖f0‖² of the benign parent's linearized child at the latest spawn epoch divided by its largest value " +
            "at the earlier ones; tested on the log scale (geometric mean over replicates)",
        Rule: "the geometric mean's upper 95% bound below 0.5 (contradicted if significantly above 1: no decay)",
        NotTestable: NotAt(),
        Tests: Run,
        Premises: [Premises.ChildrenConverged(d => EverySpawn(d, ScheduleKind.Benign, Dynamics.Linearized))],
        RadiusIndependent: true);

    private static Needed<IReadOnlyList<TestResult>> Run(ClaimData d)
    {
        var spawns = d.SpawnEpochs;
        if (spawns.Count < 2) return Gap.Missing("needs linearized children at two spawn epochs or more");
        return spawns.Select(t => d.Children(ScheduleKind.Benign, t, Dynamics.Linearized)).All().SelectMany(children =>
        {
            var byReplicate = spawns.Zip(children).SelectMany(x => x.Second.Select(c => (t: x.First, c.Replicate, c.Eval.FirstOrderRatio)))
                .Where(x => x.FirstOrderRatio is not null).GroupBy(x => x.Replicate)
                .Where(g => g.Any(x => x.t == spawns[^1]) && g.Any(x => x.t != spawns[^1]))
                .Select(g => g.Single(x => x.t == spawns[^1]).FirstOrderRatio!.Value / g.Where(x => x.t != spawns[^1]).Max(x => x.FirstOrderRatio!.Value)).ToList();
            if (byReplicate.Count == 0) return Gap.Missing("no replicate has ‖Δf‖²/‖f0‖² defined at the latest and an earlier spawn epoch");
            return Tests.LogRatio(new("latest-over-largest-earlier", "latest / largest earlier ratio"), byReplicate, 0.5, below: true).Select(t => (IReadOnlyList<TestResult>)[t]);
        });
    }
}

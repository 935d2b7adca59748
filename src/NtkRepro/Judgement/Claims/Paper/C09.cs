using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C09
{
    public static readonly Claim Claim = new(
        Id: "C9",
        Where: "Fig 1c",
        Statement: "Effective rank evolves differently under AT (direction not in the available text)",
        PaperFigure: "—",
        Statistic: "per replicate: effective rank averaged over every whole-epoch kernel checkpoint from 20% of training on; " +
            "AT mean / benign mean − 1, its standard error by the delta method (both means' uncertainty, Welch–Satterthwaite degrees of freedom)",
        Rule: "two-sided 95% interval outside ±10% (the paper gives no direction, so it cannot be contradicted; below the margin if the interval lies inside ±10%)",
        NotTestable: NotAt(),
        Tests: d =>
        {
            Needed<Estimate> Mean(ScheduleKind k) => d.Series(k).Select(series => PerReplicate(series.Select(s => From(d, s.Series, 0.2).Average(c => c.EffectiveRank))));
            return from at in Mean(ScheduleKind.Adversarial)
                   from benign in Mean(ScheduleKind.Benign)
                   select (IReadOnlyList<TestResult>)[Tests.OutsideBand(new("at-over-benign-effective-rank", "AT / benign effective rank − 1"), Estimate.RelativeDifference(at, benign), 0.1)];
        },
        Premises: [Premises.StageOneFit]);
}

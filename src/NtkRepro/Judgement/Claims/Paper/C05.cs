using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C05
{
    public static readonly Claim Claim = new(
        Id: "C5",
        Where: "Fig 1b",
        Statement: "Distance to the final kernel nearly converges after epoch ~40",
        PaperFigure: "~40 of 100 epochs",
        Statistic: "per replicate: the largest S(K_t, K_T) over every whole-epoch kernel checkpoint t from 40% of training on (before T), " +
            "divided by S(K_0, K_T); tested on the log scale (geometric mean over replicates)",
        Rule: "for both schedules, the geometric mean's upper 95% bound below 0.2 (contradicted if significantly above 1)",
        NotTestable: NotAt(),
        Tests: d => BenignAndAt.Select(k =>
            from series in d.Series(k)
            from ratios in series.Select(s => ClaimData.Point(s.Series, 0)
                .Select(initial => From(d, s.Series, 0.4).Where(c => c.Epoch < d.FinalEpoch).Max(c => c.DistanceToFinal) / initial.DistanceToFinal)).All()
            from test in Tests.LogRatio(new($"{Name(k)}-late-over-initial-distance-to-final", $"{Name(k)}: max distance to final after 40% / at 0"), ratios, 0.2, below: true)
            select test).All(),
        Premises: [Premises.StageOneFit]);
}

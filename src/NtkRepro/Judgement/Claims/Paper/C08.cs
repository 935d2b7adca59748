using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C08
{
    public static readonly Claim Claim = new(
        Id: "C8",
        Where: "Fig 1d",
        Statement: "AT gives lower mean kernel specialization than benign training (CIFAR-10)",
        PaperFigure: "qualitative",
        Statistic: "per replicate: mean kernel specialization averaged over every whole-epoch kernel checkpoint from 20% of training on; benign minus AT (Welch)",
        Rule: "lower 95% bound above 0",
        NotTestable: NotAt(),
        Tests: d =>
        {
            Needed<Estimate> Mean(ScheduleKind k) => d.Series(k).SelectMany(series =>
                series.Any(s => From(d, s.Series, 0.2).Any(c => c.MeanSpecialization is null))
                    ? Gap.NotTestable("kernel specialization is not measured for this variant: " +
                        "its kernel points cover only some of the network's classes (the paper reports it on CIFAR-10)")
                    : Needed.Of(PerReplicate(series.Select(s => From(d, s.Series, 0.2).Average(c => c.MeanSpecialization!.Value)))));
            return from benign in Mean(ScheduleKind.Benign)
                   from at in Mean(ScheduleKind.Adversarial)
                   select (IReadOnlyList<TestResult>)[Tests.Above(new("benign-minus-at-specialization", "benign − AT specialization"), Estimate.Difference(benign, at), 0)];
        },
        Premises: [Premises.StageOneFit]);
}

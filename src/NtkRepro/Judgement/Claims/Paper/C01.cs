using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C01
{
    public static readonly Claim Claim = new(
        Id: "C1",
        Where: "abstract, §7",
        Statement: "Adversarial training on top of a fixed kernel reaches 76.1% robust accuracy (PGD, ε = 4/255, CIFAR-10)",
        PaperFigure: "76.1%",
        Statistic: "robust accuracy of the section-7 run (centered child of the benign parent, adversarial stage 2) " +
            "under the preset's evaluation attack (the paper's kind: PGD, one restart) on every evaluation image; " +
            "the masking suite's per-image worst case is a check beside it",
        Rule: "two-sided 95% interval inside 76.1% ± 5 points (contradicted if it lies outside)",
        NotTestable: NotAt(),
        Tests: d =>
        {
            var e = ClaimData.Accuracy(d.FixedKernelRuns(), robust: true, requireMaskingChecks: true);
            var offset = e with { Mean = e.Mean - 0.761, PerReplicate = e.PerReplicate.Select(x => x - 0.761).ToList() };
            var band = Tests.OutsideBand(new("robust-minus-paper", "robust accuracy − 76.1%"), offset, 0.05, Pct);
            // Inside the band is what the paper reports: evidence for "inside" supports it, evidence for "outside" contradicts it.
            return [band with { SupportP = band.ShortfallP, AgainstP = band.SupportP, ShortfallP = 1, Rule = "within ±5 points of 76.1%" }];
        },
        Premises: [Premises.ModelQuality(0.85, "a ResNet-18 on full CIFAR-10 is near 90%; 76.1% robust accuracy is a figure of such a model"), Premises.ChildrenConverged(SectionSeven)],
        Needs: ClaimNeeds.SectionSeven);
}

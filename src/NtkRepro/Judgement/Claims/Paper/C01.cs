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
            from runs in d.FixedKernelRuns()
            from e in ClaimData.Accuracy(runs, robust: true, requireMaskingChecks: true)
            select Within(Tests.OutsideBand(new("robust-minus-paper", "robust accuracy − 76.1%"),
                e with { Mean = e.Mean - 0.761, PerReplicate = e.PerReplicate.Select(x => x - 0.761).ToList() }, 0.05, Pct)),
        Premises: [Premises.ModelQuality(0.85, "a ResNet-18 on full CIFAR-10 is near 90%; 76.1% robust accuracy is a figure of such a model"), Premises.ChildrenConverged(SectionSeven)],
        Needs: ClaimNeeds.SectionSeven);

    /// <summary>Inside the band is what the paper reports: evidence for "inside" supports it, evidence for "outside" contradicts it.</summary>
    private static IReadOnlyList<TestResult> Within(TestResult band) =>
        [band with { SupportP = band.ShortfallP, AgainstP = band.SupportP, ShortfallP = 1, Rule = "within ±5 points of 76.1%" }];
}

using NtkRepro.Numerics.Training;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C15
{
    public static readonly Claim Claim = new(
        Id: "C15",
        Where: "§7",
        Statement: "AT on top of kernels learned by benign training (frozen features) still gives high robust accuracy",
        PaperFigure: "see C1",
        Statistic: "robust accuracy of the section-7 run minus that of stage-1 AT at its final epoch, paired by replicate",
        Rule: "lower 95% bound above −5 points (no more than 5 points below stage-1 AT)",
        NotTestable: NotAt(),
        Tests: d =>
            from runs in d.FixedKernelRuns()
            from parents in d.Parents(ScheduleKind.Adversarial, d.FinalEpoch)
            from difference in ClaimData.AccuracyDifference(runs, parents, true, true)
            select (IReadOnlyList<TestResult>)[Tests.Above(new("section7-minus-stage1-at", "section 7 − stage-1 AT"), difference, -0.05, Pct)],
        Premises: [Premises.ChildrenConverged(SectionSeven)],
        Needs: ClaimNeeds.SectionSeven);
}

using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C12
{
    public static readonly Claim Claim = new(
        Id: "C12",
        Where: "Fig 2 centre",
        Statement: "Centered training on AT parents gains robustness over stage-1 AT itself, at some cost in benign accuracy",
        PaperFigure: "qualitative",
        Statistic: "the centered child of the AT parent against that parent, latest spawn epoch, paired by replicate: robust accuracy child − parent, clean accuracy parent − child",
        Rule: "both: lower 95% bound above 0",
        NotTestable: NotAt(),
        Tests: d =>
        {
            double t = d.SpawnEpochs.Max();
            return from child in d.Children(ScheduleKind.Adversarial, t, Dynamics.Centered)
                   from parent in d.Parents(ScheduleKind.Adversarial, t)
                   from robust in ClaimData.AccuracyDifference(child, parent, true, true)
                   from clean in ClaimData.AccuracyDifference(parent, child, false, false)
                   select (IReadOnlyList<TestResult>)
                   [
                       Tests.Above(new("robust-child-minus-parent", "robust: child − parent"), robust, 0, Pct),
                       Tests.Above(new("clean-parent-minus-child", "clean: parent − child"), clean, 0, Pct),
                   ];
        },
        Premises: [Premises.ChildrenConverged(d => Latest(d, [ScheduleKind.Adversarial], Dynamics.Centered))]);
}

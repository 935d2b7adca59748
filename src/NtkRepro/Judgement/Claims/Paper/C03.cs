using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C03
{
    public static readonly Claim Claim = new(
        Id: "C3",
        Where: "§4, Fig 2",
        Statement: "The AT kernel gives robustness even when benign training is done on top of it",
        PaperFigure: "qualitative",
        Statistic: "robust accuracy of benign-trained linearized and centered children of the AT parent minus that of the benign parent's, latest spawn epoch",
        Rule: "for both dynamics, lower 95% bound above 5 points (contradicted if significantly below 0; below the margin if significantly below 5 points)",
        NotTestable: NotAt(),
        Tests: d =>
        {
            double t = d.SpawnEpochs.Max();
            return new[] { Dynamics.Linearized, Dynamics.Centered }.Select(dyn =>
                from at in d.Children(ScheduleKind.Adversarial, t, dyn)
                from benign in d.Children(ScheduleKind.Benign, t, dyn)
                from difference in ClaimData.AccuracyDifference(at, benign, true, true)
                select Tests.Above(new($"{dyn.Name()}-at-minus-benign-parent", $"{dyn.Name()}, spawn {Format.Number(t)}: AT − benign parent"),
                    difference, 0.05, Pct, direction: 0)).All();
        },
        Premises: [Premises.ChildrenConverged(d => Latest(d, BenignAndAt, Dynamics.Linearized, Dynamics.Centered))]);
}

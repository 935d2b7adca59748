using System.Globalization;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C10
{
    public static readonly Claim Claim = new(
        Id: "C10",
        Where: "Fig 2 left",
        Statement: "Standard and linearized dynamics on a benign parent have little to no robust accuracy",
        PaperFigure: "~0%",
        Statistic: "robust accuracy of benign-trained standard and linearized children of the benign parent, every spawn epoch",
        Rule: "upper 95% bound at most 10% for every spawn epoch and both dynamics",
        NotTestable: NotAt(),
        Tests: d => d.SpawnEpochs.SelectMany(t => new[] { Dynamics.Standard, Dynamics.Linearized }.Select(dyn =>
            from children in d.Children(ScheduleKind.Benign, t, dyn)
            from robust in ClaimData.Accuracy(children, robust: true, requireMaskingChecks: true)
            select Tests.Below(new($"{dyn.Name()}-spawn@{t.ToString("0.###", CultureInfo.InvariantCulture)}-benign-child-robust", $"{dyn.Name()}, spawn {Format.Number(t)}"),
                robust, 0.10, Pct))).All(),
        Premises: [Premises.ModelQuality(0.7, "'little to no robust accuracy' says something only of a network that is accurate when not attacked"),
            Premises.ChildrenConverged(d => EverySpawn(d, ScheduleKind.Benign, Dynamics.Standard, Dynamics.Linearized))]);
}

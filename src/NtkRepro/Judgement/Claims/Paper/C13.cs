using NtkRepro.Numerics.Linearization;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C13
{
    public static readonly Claim Claim = new(
        Id: "C13",
        Where: "§4",
        Statement: "Centered training has much more robustness than standard and linearized dynamics, for benign and AT parents",
        PaperFigure: "qualitative",
        Statistic: "robust accuracy of the centered child minus the standard and the linearized child, latest spawn epoch, both parents, paired by replicate",
        Rule: "all four differences: lower 95% bound above 5 points (contradicted if one is significantly below 0; below the margin if one is significantly below 5 points)",
        NotTestable: NotAt(),
        Tests: d =>
        {
            double t = d.SpawnEpochs.Max();
            return BenignAndAt.SelectMany(p => new[] { Dynamics.Standard, Dynamics.Linearized }.Select(other =>
                from centered in d.Children(p, t, Dynamics.Centered)
                from others in d.Children(p, t, other)
                from difference in ClaimData.AccuracyDifference(centered, others, true, true)
                select Tests.Above(new($"{Name(p)}-parent-centered-minus-{other.Name()}", $"{Name(p)} parent: centered − {other.Name()}"), difference, 0.05, Pct, direction: 0))).All();
        },
        Premises: [Premises.ChildrenConverged(d => Latest(d, BenignAndAt, DynamicsKind.All.ToArray()))]);
}

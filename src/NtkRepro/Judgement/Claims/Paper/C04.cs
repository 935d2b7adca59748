using NtkRepro.Numerics.Kernels;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C04
{
    public static readonly Claim Claim = new(
        Id: "C4",
        Where: "§3, Fig 1a",
        Statement: "Benign and AT kernels both converge close to their final kernel within ~30 epochs (the velocity decays early)",
        PaperFigure: "~30 of 100 epochs",
        Statistic: "per replicate: the largest one-epoch kernel velocity measured after 30% of training " +
            "(every interval [a, a+1] of the preset's kernel grid with a ≥ 30% of stage 1) divided by the velocity over epoch 0–1; " +
            "tested on the log scale (geometric mean over replicates)",
        Rule: "for both schedules, the geometric mean's upper 95% bound below 0.1 (contradicted if significantly above 1: no decay)",
        NotTestable: NotAt(),
        Tests: d => BenignAndAt.Select(k =>
            from series in d.Series(k)
            from ratios in series.Select(s => from late in LateVelocities(d, s.Series) from initial in ClaimData.Velocity(s.Series, 0, 1) select late.Max() / initial).All()
            from test in Tests.LogRatio(new($"{Name(k)}-late-over-initial-velocity", $"{Name(k)}: late/initial velocity"), ratios, 0.1, below: true)
            select test).All(),
        Premises: [Premises.StageOneFit]);

    /// <summary>One-epoch velocities v(a, a+1) measured with a ≥ 30% of stage 1 (the preset's kernel grid decides which a).</summary>
    private static Needed<IReadOnlyList<double>> LateVelocities(ClaimData d, KernelSeries s)
    {
        var late = (s.OneEpochVelocities ?? []).Where(v => v.FromEpoch >= d.EpochAt(0.3) && v.ToEpoch <= d.FinalEpoch).Select(v => v.Value).ToList();
        return Needed.Where<IReadOnlyList<double>>(late, late.Count > 0, "the run has no one-epoch kernel interval after 30% of training");
    }
}

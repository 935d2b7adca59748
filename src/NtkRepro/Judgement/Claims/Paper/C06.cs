using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C06
{
    public static readonly Claim Claim = new(
        Id: "C6",
        Where: "Fig 1a",
        Statement: "50/50 run: a small spike in kernel velocity at the switch, small relative to the initial evolution",
        PaperFigure: "spike at 50",
        Statistic: "per switch replicate, velocities per epoch as the paper's Fig. 1a plots them: velocity over the epoch after the switch divided " +
            "by the largest one-epoch velocity of the three epochs before it, and by the run's own velocity over epoch 0–1; " +
            "tested on the log scale (geometric mean over replicates). The same ratios per SGD step are shown beside them (an AT mixture epoch " +
            "takes two steps per batch, so part of a per-epoch spike is the doubled step count), not deciding",
        Rule: "spike: the geometric mean's lower 95% bound above 1.5 (contradicted if significantly below 1); small: its upper 95% bound below 0.25 (contradicted if significantly above 1)",
        NotTestable: NotAt(),
        Tests: Run,
        Premises: [Premises.SettledBeforeSwitch],
        Needs: ClaimNeeds.SwitchRun);

    private static Needed<IReadOnlyList<TestResult>> Run(ClaimData d) => d.Series(ScheduleKind.Switch).SelectMany(runs =>
    {
        int k = d.SwitchEpoch;
        var before = Enumerable.Range(Math.Max(0, k - 3), Math.Min(3, k)).ToList();
        // The ratios of one velocity measure per switch run: after the switch over the largest of the epochs before, and over the initial one.
        Needed<IReadOnlyList<double>> AfterOverBefore(Func<ReplicateSeries, int, Needed<double>> v) => runs.Select(s =>
            from after in v(s, k) from earlier in before.Select(a => v(s, a)).All() select after / earlier.Max()).All();
        Needed<IReadOnlyList<double>> AfterOverInitial(Func<ReplicateSeries, int, Needed<double>> v) => runs.Select(s =>
            from after in v(s, k) from initial in v(s, 0) select after / initial).All();
        Needed<double> PerEpoch(ReplicateSeries s, int a) => ClaimData.Velocity(s.Series, a, a + 1);
        Needed<double> PerStep(ReplicateSeries s, int a) => d.VelocityPerStep(ScheduleKind.Switch, s, a);
        var perEpoch = new[]
        {
            AfterOverBefore(PerEpoch).SelectMany(r => Tests.LogRatio(new("after-over-largest-before", "after / largest of the 3 epochs before"), r, 1.5, below: false)),
            AfterOverInitial(PerEpoch).SelectMany(r => Tests.LogRatio(new("after-over-initial", "after / initial (epoch 0–1)"), r, 0.25, below: true)),
        }.All();
        // Curves without step counts: the per-step explanation is left out (from the first ratio that cannot be read on); the per-epoch tests decide alone.
        var perStep = new[]
        {
            AfterOverBefore(PerStep).SelectMany(r => Tests.LogRatio(new("after-over-largest-before-per-step", "after / largest before, per SGD step"), r, 1.5, below: false)),
            AfterOverInitial(PerStep).SelectMany(r => Tests.LogRatio(new("after-over-initial-per-step", "after / initial, per SGD step"), r, 0.25, below: true)),
        }.TakeWhile(t => t.IsPresent).Select(t => Tests.Shown(t.Value)).ToList();
        return perEpoch.Select(tests => (IReadOnlyList<TestResult>)[.. tests, .. perStep]);
    });
}

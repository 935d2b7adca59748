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

    private static IReadOnlyList<TestResult> Run(ClaimData d)
    {
        var runs = d.Series(ScheduleKind.Switch);
        int k = d.SwitchEpoch;
        var before = Enumerable.Range(Math.Max(0, k - 3), Math.Min(3, k)).ToList();
        double V(ReplicateSeries s, int a) => ClaimData.Velocity(s.Series, a, a + 1);
        double P(ReplicateSeries s, int a) => d.VelocityPerStep(ScheduleKind.Switch, s, a);
        var tests = new List<TestResult>
        {
            Tests.LogRatio(new("after-over-largest-before", "after / largest of the 3 epochs before"), runs.Select(s => V(s, k) / before.Max(a => V(s, a))).ToList(), 1.5, below: false),
            Tests.LogRatio(new("after-over-initial", "after / initial (epoch 0–1)"), runs.Select(s => V(s, k) / V(s, 0)).ToList(), 0.25, below: true),
        };
        try
        {
            tests.Add(Tests.Shown(Tests.LogRatio(new("after-over-largest-before-per-step", "after / largest before, per SGD step"),
                runs.Select(s => P(s, k) / before.Max(a => P(s, a))).ToList(), 1.5, below: false)));
            tests.Add(Tests.Shown(Tests.LogRatio(new("after-over-initial-per-step", "after / initial, per SGD step"), runs.Select(s => P(s, k) / P(s, 0)).ToList(), 0.25, below: true)));
        }
        catch (MissingResultException)
        {
            // Curves without step counts: the per-step explanation is left out; the per-epoch tests decide alone.
        }
        return tests;
    }
}

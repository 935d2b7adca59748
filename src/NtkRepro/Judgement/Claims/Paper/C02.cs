using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C02
{
    public static readonly Claim Claim = new(
        Id: "C2",
        Where: "§3, Fig 1",
        Statement: "Under AT the NTK converges rapidly to a different kernel than under standard training",
        PaperFigure: "qualitative",
        Statistic: "final kernels of all benign and AT replicates: mean S between the two schedules minus mean S within a schedule (replicate spread)",
        Rule: "permutation test over the schedule labels, one-sided p ≤ 0.05 (it cannot contradict)",
        NotTestable: NotAt(),
        Tests: Run,
        Premises: [Premises.StageOneFit, Premises.PermutationCanReachSignificance]);

    private static Needed<IReadOnlyList<TestResult>> Run(ClaimData d)
    {
        var b = d.FinalKernelReplicates(ScheduleKind.Benign);
        var a = d.FinalKernelReplicates(ScheduleKind.Adversarial);
        if (b.Count < 2 || a.Count < 2) return Gap.Missing("the test needs final kernels of at least two replicates of each schedule");
        var refs = b.Select(r => new KernelRef(ScheduleKind.Benign, r, d.FinalEpoch)).Concat(a.Select(r => new KernelRef(ScheduleKind.Adversarial, r, d.FinalEpoch))).ToList();
        return d.Distances(ClaimData.Among(refs)).Select(table =>
        {
            var dist = new double[refs.Count, refs.Count];
            for (int i = 0; i < refs.Count; i++)
                for (int j = 0; j < refs.Count; j++)
                    dist[i, j] = i == j ? 0 : table[refs[i], refs[j]];
            var result = DistancePermutationTest.Run(dist, b.Count);
            var between = b.SelectMany(x => a.Select(y => table[new(ScheduleKind.Benign, x, d.FinalEpoch), new(ScheduleKind.Adversarial, y, d.FinalEpoch)])).ToList();
            return (IReadOnlyList<TestResult>)[Tests.Permutation(new("between-minus-within", "between − within final-kernel distance"), result, between)];
        });
    }
}

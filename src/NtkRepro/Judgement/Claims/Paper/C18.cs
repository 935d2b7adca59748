using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C18
{
    public static readonly Claim Claim = new(
        Id: "C18",
        Where: "§1, §3",
        Statement: "Like benign training, AT yields a distinct kernel that converges within the first few epochs",
        PaperFigure: "qualitative",
        Statistic: "per AT replicate: mean S between its final kernel and every benign final kernel, less ½(W_AT + W_benign) " +
            "(what that mean is when both schedules' kernels come from one distribution), " +
            "minus S between its kernel at 20% of training and its own final kernel; " +
            "uncertainty by the leave-one-run-out jackknife over the AT and benign runs, each group a sample of its own, " +
            "less its overstatement of the second-order parts of the spread-corrected distance (with S = ½‖a − b‖² of unit kernels, " +
            "that distance is the unbiased estimate of ½‖μ_AT − μ_benign‖², whose first-order parts cancel where the means agree; " +
            "the jackknife counts a group's own pairs 2(n − 1)/(n − 2) times and the pairs across twice, " +
            "and their variances are estimated without bias from the kernels' inner products, a group's own pairs from 4 runs on, " +
            "the pairs across from 3, after Chen and Qin 2010), never below the jackknife's variance divided by that factor; " +
            "with fewer than 3 runs in a group, the jackknife alone " +
            "(no permutation test: the null, the AT kernel at 20% as far from its final kernel as the benign finals are, does not make any labels exchangeable)",
        Rule: "lower 95% bound above 0 (t with Welch–Satterthwaite degrees of freedom over the groups' jackknife terms, " +
            "at least the smallest group's replicates − 1; with fewer than 3 runs in a group conservative, the jackknife uncorrected): " +
            "by 20% of training the AT kernel is closer to its final kernel than the benign kernels are, beyond the replicate spread",
        NotTestable: NotAt(),
        Tests: Run,
        Premises: [Premises.StageOneFit]);

    private static Needed<IReadOnlyList<TestResult>> Run(ClaimData d) => d.Series(ScheduleKind.Adversarial).SelectMany(atSeries =>
    {
        var groups = new Dictionary<ScheduleKind, IReadOnlyList<int>>
        {
            [ScheduleKind.Adversarial] = atSeries.Select(s => s.Replicate).ToList(),
            [ScheduleKind.Benign] = d.FinalKernelReplicates(ScheduleKind.Benign),
        };
        // Left out one at a time, a group of two would leave no pair for its spread.
        if (groups[ScheduleKind.Benign].Count < 3 || groups[ScheduleKind.Adversarial].Count < 3)
            return Gap.Missing("the jackknife of the spread-corrected distance needs final kernels of three replicates of each schedule");
        int t = d.EpochAt(0.2);
        var series = atSeries.ToDictionary(s => s.Replicate, s => s.Series);
        var finals = groups.SelectMany(g => g.Value.Select(r => new KernelRef(g.Key, r, d.FinalEpoch))).ToList();
        return from table in d.Distances(ClaimData.Among(finals))
               from early in groups[ScheduleKind.Adversarial].Select(r => ClaimData.Point(series[r], t).Select(p => (r, p.DistanceToFinal))).All()
               select Decide(d, groups, table, early.ToDictionary(x => x.r, x => x.DistanceToFinal), t);
    });

    private static IReadOnlyList<TestResult> Decide(ClaimData d, IReadOnlyDictionary<ScheduleKind, IReadOnlyList<int>> groups, DistanceTable table,
        IReadOnlyDictionary<int, double> earlyToFinal, int t)
    {
        var estimate = ClaimData.Jackknife(groups, ScheduleKind.Adversarial, g =>
        {
            double bias = (table.Within(ScheduleKind.Adversarial, g[ScheduleKind.Adversarial]) + table.Within(ScheduleKind.Benign, g[ScheduleKind.Benign])) / 2;
            return g[ScheduleKind.Adversarial].Select(r =>
                table.MeanTo(new KernelRef(ScheduleKind.Adversarial, r, d.FinalEpoch), ScheduleKind.Benign, g[ScheduleKind.Benign]) - bias
                - earlyToFinal[r]).ToList();
        });
        estimate = WithoutSecondOrderExcess(d, groups, table, estimate);
        return [Tests.Above(new("early-distance-to-final-below-between", $"spread-corrected benign–AT distance − AT distance to final at epoch {t}"), estimate, 0)];
    }

    /// <summary>The jackknife's estimate with its overstatement of the spread-corrected distance's second-order parts removed.</summary>
    private static Estimate WithoutSecondOrderExcess(ClaimData d, IReadOnlyDictionary<ScheduleKind, IReadOnlyList<int>> groups, DistanceTable table, Estimate jackknife)
    {
        IReadOnlyList<KernelRef> Finals(ScheduleKind k) => groups[k].Select(r => new KernelRef(k, r, d.FinalEpoch)).ToList();
        var (at, benign) = (Finals(ScheduleKind.Adversarial), Finals(ScheduleKind.Benign));
        double[,] Inner(IReadOnlyList<KernelRef> x, IReadOnlyList<KernelRef> y)
        {
            var g = new double[x.Count, y.Count];
            for (int i = 0; i < x.Count; i++)
                for (int j = 0; j < y.Count; j++)
                    g[i, j] = x[i] == y[j] ? 1 : 1 - table[x[i], y[j]];
            return g;
        }
        var parts = SpreadCorrectedDistance.Variance(Inner(at, at), Inner(benign, benign), Inner(at, benign));
        double variance = SpreadCorrectedDistance.CorrectedVariance(jackknife.StandardError * jackknife.StandardError, parts, at.Count, benign.Count);
        return jackknife with { StandardError = Math.Sqrt(variance) };
    }
}

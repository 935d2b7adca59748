using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C07
{
    public static readonly Claim Claim = new(
        Id: "C7",
        Where: "Fig 1b",
        Statement: "50/50 run: the kernel settles at the benign kernel, then moves to the adversarial kernel after the switch",
        PaperFigure: "qualitative",
        Statistic: "over the switch replicates, against the final kernels of every benign and AT replicate: at the switch, " +
            "mean S to AT − mean S to benign, less ½(W_AT − W_benign) (W: a schedule's mean pairwise final-kernel distance, " +
            "the bias unequal spreads put into a mean distance); at the end, mean S to benign − mean S to AT, less ½(W_benign − W_AT); " +
            "its spread (shown, and compared between runs, not deciding) by the leave-one-run-out jackknife over the switch, benign and AT runs, " +
            "each group a sample of its own",
        Rule: "both differences: one-sided permutation p ≤ 0.05 over the relabellings of the benign and AT final kernels into groups of their " +
            "sizes (exchangeable under the null: the switch kernels are no nearer one schedule than the other, " +
            "and both schedules' final kernels come from one distribution), the switch kernels kept; for each relabelling the difference is " +
            "recomputed and divided by its grouped jackknife standard error over that labelling's groups (studentized, " +
            "since unequal spreads make the raw difference not quite exchangeable), p the share of relabellings whose ratio is at least " +
            "the observed one (every relabelling when there are at most 5,000, else 5,000 seeded ones with p = (1 + count)/(1 + 5,000)); " +
            "smallest attainable p 1/C(n_benign + n_AT, n_benign): 1/20 = 0.05 with 3 + 3 runs, 1/70 ≈ 0.014 with 4 + 4; " +
            "against the claim when the share at most the observed one is ≤ 0.05/2 (not attainable with 3 + 3)",
        NotTestable: NotAt(),
        Tests: Run,
        Premises: [Premises.SettledBeforeSwitch],
        Needs: ClaimNeeds.SwitchRun);

    private static Needed<IReadOnlyList<TestResult>> Run(ClaimData d) => d.Series(ScheduleKind.Switch).SelectMany(series =>
    {
        var groups = new Dictionary<ScheduleKind, IReadOnlyList<int>>
        {
            [ScheduleKind.Switch] = series.Select(s => s.Replicate).ToList(),
            [ScheduleKind.Benign] = d.FinalKernelReplicates(ScheduleKind.Benign),
            [ScheduleKind.Adversarial] = d.FinalKernelReplicates(ScheduleKind.Adversarial),
        };
        if (groups[ScheduleKind.Benign].Count < 3 || groups[ScheduleKind.Adversarial].Count < 3 || groups[ScheduleKind.Switch].Count < 2)
            return Gap.Missing("the permutation test's jackknife needs final kernels of three replicates of each schedule and two switch runs");
        // The reference kernels pooled, benign first: a relabelling assigns them to "benign" and "AT" anew.
        var pooled = BenignAndAt.SelectMany(k => groups[k].Select(r => new KernelRef(k, r, d.FinalEpoch))).ToList();
        var switches = groups[ScheduleKind.Switch].SelectMany(r => new[] { d.SwitchEpoch, (double)d.FinalEpoch }.Select(e => new KernelRef(ScheduleKind.Switch, r, e)));
        return d.Distances(ClaimData.Among(pooled).Concat(ClaimData.Across(switches, pooled))).Select(table => Decide(d, groups, pooled, table));
    });

    private static IReadOnlyList<TestResult> Decide(ClaimData d, IReadOnlyDictionary<ScheduleKind, IReadOnlyList<int>> groups, IReadOnlyList<KernelRef> pooled, DistanceTable table)
    {
        int benign = groups[ScheduleKind.Benign].Count, n = pooled.Count;
        var switchRuns = groups[ScheduleKind.Switch].Select((_, i) => i).ToList();
        var reference = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                reference[i, j] = reference[j, i] = table[pooled[i], pooled[j]];
        double Within(IReadOnlyList<int> g) => g.SelectMany((a, i) => g.Skip(i + 1).Select(b => reference[a, b])).Average();
        TestResult Towards(TestName name, double epoch, ScheduleKind near, ScheduleKind far)
        {
            var estimate = ClaimData.Jackknife(groups, ScheduleKind.Switch, g =>
            {
                double bias = (table.Within(far, g[far]) - table.Within(near, g[near])) / 2;
                return g[ScheduleKind.Switch].Select(r =>
                {
                    var x = new KernelRef(ScheduleKind.Switch, r, epoch);
                    return table.MeanTo(x, far, g[far]) - table.MeanTo(x, near, g[near]) - bias;
                }).ToList();
            });
            var toSwitch = groups[ScheduleKind.Switch].Select(r => pooled.Select(p => table[new KernelRef(ScheduleKind.Switch, r, epoch), p]).ToArray()).ToArray();
            // The estimate's statistic over given switch runs and reference groups (pooled indices).
            double Statistic(IReadOnlyList<int> runs, IReadOnlyList<int> nearGroup, IReadOnlyList<int> farGroup) =>
                runs.Average(r => farGroup.Average(i => toSwitch[r][i]) - nearGroup.Average(i => toSwitch[r][i])) - (Within(farGroup) - Within(nearGroup)) / 2;
            // Studentized by its grouped jackknife over the labelling's own groups: the two schedules' spreads differ,
            // and a relabelling mixes them, so the statistic alone is not exchangeable; its t ratio nearly is.
            double Studentized(IReadOnlyList<int> nearGroup, IReadOnlyList<int> farGroup)
            {
                static IReadOnlyList<int> Without(IReadOnlyList<int> g, int x) => g.Where(y => y != x).ToList();
                var (se, _) = GroupedJackknife.Of(
                [
                    switchRuns.Select(r => Statistic(Without(switchRuns, r), nearGroup, farGroup)).ToList(),
                    nearGroup.Select(x => Statistic(switchRuns, Without(nearGroup, x), farGroup)).ToList(),
                    farGroup.Select(x => Statistic(switchRuns, nearGroup, Without(farGroup, x))).ToList(),
                ]);
                return Statistic(switchRuns, nearGroup, farGroup) / se;
            }
            var permutation = LabelPermutation.Run(benign, n - benign,
                near == ScheduleKind.Benign ? Studentized : (labelledBenign, labelledAt) => Studentized(labelledAt, labelledBenign));
            return Tests.Relabelled(name, estimate, permutation, "benign and AT final kernels");
        }
        return
        [
            Towards(new("switch-nearer-benign", "at the switch: to AT − to benign, spread-corrected"), d.SwitchEpoch, ScheduleKind.Benign, ScheduleKind.Adversarial),
            Towards(new("end-nearer-at", "at the end: to benign − to AT, spread-corrected"), d.FinalEpoch, ScheduleKind.Adversarial, ScheduleKind.Benign),
        ];
    }
}

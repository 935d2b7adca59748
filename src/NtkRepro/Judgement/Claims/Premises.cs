using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Claims;

/// <summary>Whether a claim's premise holds at this scale.</summary>
public enum PremiseVerdict
{
    Met,
    /// <summary>The scale does not put the paper's premise in place: the claim is not testable here.</summary>
    Unmet,
    /// <summary>The measurements cannot tell: the claim is inconclusive, its tests shown but not deciding.</summary>
    Undecided,
}

/// <summary>One premise of one claim as measured: its rule and the figures it read.</summary>
public sealed record PremiseResult(string Premise, string Rule, PremiseVerdict Verdict, string Measured);

/// <summary>
/// A condition of the paper's regime that a claim's tests presuppose, measured from statistics the
/// claim itself does not use (training curves, losses, accuracy of the parent, replicate counts);
/// every rule here was fixed before the first result of the preset it judges.
/// </summary>
public sealed record Premise(string Name, string Rule, Func<ClaimData, Needed<(PremiseVerdict Verdict, string Measured)>> Check)
{
    public Needed<PremiseResult> Measure(ClaimData d) => Check(d).Select(m => new PremiseResult(Name, Rule, m.Verdict, m.Measured));
}

/// <summary>The premises claims declare (ClaimRegistry).</summary>
public static class Premises
{
    /// <summary>Training accuracy (the running accuracy of an epoch's clean steps) that counts as fitting the training set.</summary>
    public const double FitAccuracy = 0.99;

    /// <summary>Benign runs must fit before this fraction of stage 1: the claims' statistics are read from 20–40% of training on.</summary>
    public const double FitFraction = 0.4;

    /// <summary>After first fitting, at least this share of the later epochs stays at or above <see cref="FitAccuracy"/> (SGD at 0.1 spikes now and then).</summary>
    public const double StaysFittedShare = 0.9;

    /// <summary>A child is converged when its loss changes over the last quarter of stage 2 by less than this fraction of the loss, or of 0.1 for a smaller loss (equivalence at 95%).</summary>
    public const double ConvergedChange = 0.1;

    private static readonly string Pct = "%";

    /// <summary>
    /// Stage-1 fit: every benign replicate first reaches <see cref="FitAccuracy"/> training accuracy
    /// by <see cref="FitFraction"/> of stage 1 and stays fitted (at least <see cref="StaysFittedShare"/>
    /// of the later epochs). Met when every replicate does, unmet when at most half do, undecided between.
    /// </summary>
    public static readonly Premise StageOneFit = new("stage-1 fit",
        $"every benign run reaches {Format.Percent(FitAccuracy)} training accuracy by {FitFraction:0.##} of stage 1 and stays there in ≥ {Format.Percent(StaysFittedShare)} of the later epochs",
        d => d.TrainingCurves(ScheduleKind.Benign).Select(curves => ByReplicate(curves, d.FinalEpoch, deadline: (int)Math.Floor(FitFraction * d.FinalEpoch), "benign")));

    /// <summary>Settled before the switch: every switch replicate fits its training set before it switches to AT, and stays fitted until then.</summary>
    public static readonly Premise SettledBeforeSwitch = new("settled before the switch",
        $"every switch run reaches {Format.Percent(FitAccuracy)} training accuracy before the switch and stays there in ≥ {Format.Percent(StaysFittedShare)} of the epochs up to it",
        d => d.TrainingCurves(ScheduleKind.Switch).Select(curves => ByReplicate(curves.Select(c => c with { Curve = c.Curve.Where(e => e.Epoch < d.SwitchEpoch).ToList() }).ToList(),
            d.SwitchEpoch, deadline: d.SwitchEpoch, "switch")));

    /// <param name="deadline">Epochs completed by which a run must fit (an epoch's metrics have Epoch = completed − 1).</param>
    private static (PremiseVerdict, string) ByReplicate(IReadOnlyList<ReplicateCurve> curves, int length, int deadline, string what)
    {
        var parts = new List<string>();
        int ok = 0;
        foreach (var (replicate, curve) in curves)
        {
            var fit = curve.FirstOrDefault(e => e.Accuracy >= FitAccuracy);
            var later = fit is null ? [] : curve.Where(e => e.Epoch > fit.Epoch).ToList();
            double share = later.Count == 0 ? 1 : later.Count(e => e.Accuracy >= FitAccuracy) / (double)later.Count;
            bool holds = fit is not null && fit.Epoch + 1 <= deadline && share >= StaysFittedShare;
            ok += holds ? 1 : 0;
            parts.Add(fit is null
                ? $"r{replicate}: never (best {Format.Percent(curve.Max(e => e.Accuracy))} of {curve.Count} epochs)"
                : $"r{replicate}: after {fit.Epoch + 1} of {length} epochs, {Format.Percent(share)} of the later ones fitted");
        }
        var verdict = ok == curves.Count ? PremiseVerdict.Met : ok * 2 <= curves.Count ? PremiseVerdict.Unmet : PremiseVerdict.Undecided;
        return (verdict, $"{what} runs reach {Format.Percent(FitAccuracy)} (deadline: {deadline} epochs): {string.Join("; ", parts)}");
    }

    /// <summary>
    /// Children converged: for every child the claim reads, the change of its training loss over
    /// the last quarter of stage 2, relative to the loss three quarters through, mean over
    /// replicates: met when its two-sided 95% interval lies inside ±<see cref="ConvergedChange"/>,
    /// unmet when it lies outside, undecided otherwise; the claim takes the worst of its children.
    /// </summary>
    public static Premise ChildrenConverged(Func<ClaimData, IEnumerable<ChildId>> children) => new("children converged",
        "for every child it reads, the training-loss change over the last quarter of stage 2, " +
            $"relative to the loss three quarters through (at least {ChildResult.RelativeLossFloor}), " +
            $"lies within ±{Format.Percent(ConvergedChange)} (two-sided 95% interval)",
        d =>
        {
            var parts = new List<string>();
            var worst = PremiseVerdict.Met;
            foreach (var id in children(d).Distinct())
            {
                var changes = d.Variant.ChildrenById[id].Select(c => c.RelativeLossChangeOverLastQuarter).OfType<double>().ToList();
                if (changes.Count == 0) return Gap.Missing($"no training losses of the {id.Label} child");
                var e = Estimate.FromReplicates(changes);
                var verdict = OneSided.OutsideBand(e, ConvergedChange) switch
                {
                    Decision.Contradicted => PremiseVerdict.Met,
                    Decision.Supported => PremiseVerdict.Unmet,
                    _ => PremiseVerdict.Undecided,
                };
                if (verdict != PremiseVerdict.Met) parts.Add($"{id.Label}: {Format.Estimate(e, Pct)} ({(verdict == PremiseVerdict.Unmet ? "still moving" : "undecided")})");
                worst = Worse(worst, verdict);
            }
            return Needed.Of((worst, parts.Count == 0 ? "every child's last-quarter change lies within the band" : string.Join("; ", parts)));
        });

    /// <summary>Model quality: the benign run's clean test accuracy at the end of stage 1 is at least <paramref name="minimum"/>
    /// (its lower 95% bound met; unmet when its upper bound is below).</summary>
    public static Premise ModelQuality(double minimum, string why) => new("model quality",
        $"the benign run's final clean accuracy is at least {Format.Percent(minimum)} ({why})",
        d =>
            from parents in d.Parents(ScheduleKind.Benign, d.FinalEpoch)
            from e in ClaimData.Accuracy(parents, robust: false)
            select (OneSided.Above(e, minimum) switch
            {
                Decision.Supported => PremiseVerdict.Met,
                Decision.Contradicted => PremiseVerdict.Unmet,
                _ => PremiseVerdict.Undecided,
            }, $"benign final clean accuracy {Format.Estimate(e, Pct)}"));

    /// <summary>Enough replicates for the kernel permutation test to reach p ≤ 0.05: its smallest attainable p, 2 / C(n_a + n_b, n_b), at most 0.05.</summary>
    public static readonly Premise PermutationCanReachSignificance = new("enough replicates",
        "the permutation test's smallest attainable p, 2 / C(n_benign + n_AT, n_benign), is at most 0.05",
        d =>
        {
            int b = d.FinalKernelReplicates(ScheduleKind.Benign).Count, a = d.FinalKernelReplicates(ScheduleKind.Adversarial).Count;
            double smallest = DistancePermutationTest.SmallestP(a + b, b);
            return Needed.Of((smallest <= 0.05 ? PremiseVerdict.Met : PremiseVerdict.Unmet, $"{b} benign and {a} AT replicates: smallest attainable p {Format.Number(smallest)}"));
        });

    private static PremiseVerdict Worse(PremiseVerdict a, PremiseVerdict b) =>
        a == PremiseVerdict.Unmet || b == PremiseVerdict.Unmet ? PremiseVerdict.Unmet
        : a == PremiseVerdict.Undecided || b == PremiseVerdict.Undecided ? PremiseVerdict.Undecided
        : PremiseVerdict.Met;
}

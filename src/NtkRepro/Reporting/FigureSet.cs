using System.Globalization;
using NtkRepro.Claims;
using NtkRepro.Experiments;
using NtkRepro.Linearization;
using NtkRepro.Kernels;
using NtkRepro.Util;
using NtkRepro.Statistics;
using NtkRepro.Training;

namespace NtkRepro.Reporting;

/// <summary>What a figure measures; it sets the small absolute floor under its tolerance.</summary>
public enum FigureKind { Accuracy, Kernel, EffectiveRank, Specialization, Loss, Statistic }

/// <summary>One measured figure of a preset: mean over replicates, its standard error and degrees of freedom, the per-replicate values.</summary>
public sealed record Figure(string Name, FigureKind Kind, double Mean, double StandardError, double DegreesOfFreedom, IReadOnlyList<double> PerReplicate)
{
    public static Figure Of(string name, FigureKind kind, Estimate e) =>
        new(name, kind, e.Mean, e.HasUncertainty ? e.StandardError : double.NaN, e.DegreesOfFreedom, e.PerReplicate);

    // Methods, not properties: the snapshot serializes properties, and these follow from the others.
    public bool HasUncertainty() => DegreesOfFreedom > 0 && double.IsFinite(StandardError);

    /// <summary>A small absolute amount below which differences never count: half a point of accuracy, 1% of a kernel figure.</summary>
    public double Floor() => Kind switch
    {
        FigureKind.Accuracy => 0.005,
        FigureKind.Specialization => 0.005,
        _ => 0.01 * Math.Abs(Mean) + 1e-9,
    };
}

/// <summary>A claim's verdict as snapshotted, with the names of the figures its tests read (set aside when masking is suspected).</summary>
public sealed record VerdictEntry(string Id, string Variant, Verdict Verdict, IReadOnlyList<string> Figures, bool MaskingSuspected = false);

/// <summary>
/// The snapshot of a preset's results: every figure with its uncertainty, and every verdict. A
/// rerun matches it when each figure differs from the baseline by at most
/// t·√(SE_baseline² + SE_received²) + floor, with t the Student quantile at 1 − 0.05/(2m) for m
/// figures compared and Welch's degrees of freedom (Bonferroni: the whole comparison raises a
/// false alarm with at most 5% probability when nothing but noise differs). Tolerances are thus
/// measured, not set by hand. A verdict that changed while every figure of its tests stayed within
/// tolerance is borderline at this scale: reported, not failed. That includes a claim whose masking
/// suspicion differs between the two sides: its set-aside tests are its figures on the masked side.
/// </summary>
public sealed record FigureSet(string Preset, IReadOnlyList<Figure> Figures, IReadOnlyList<VerdictEntry> Verdicts)
{
    public const double FamilyWiseErrorRate = 0.05;

    private static string E(double e) => Epochs.Name(e);

    public static FigureSet From(ReproductionResults r, IReadOnlyList<ClaimVerdict> verdicts)
    {
        var f = new List<Figure>();
        foreach (var v in r.Variants) AddVariant(r, v, f);
        // A claim that reads other claims' verdicts (C17) would record a set of figures that changes with them: it records none,
        // and lists every other claim's figures as the statistics it reads.
        var own = verdicts.Where(c => !c.ReadsOtherClaims).ToList();
        var ownNames = own.SelectMany(c => c.RecordedTests.Select(t => ClaimFigureName(c, t))).ToList();
        foreach (var c in own)
            foreach (var t in c.RecordedTests)
                f.Add(Figure.Of(ClaimFigureName(c, t), FigureKind.Statistic, t.Estimate));
        return new FigureSet(r.Preset, f, verdicts.Select(c =>
            new VerdictEntry(c.Id, c.Variant, c.Verdict, c.ReadsOtherClaims ? ownNames : c.RecordedTests.Select(t => ClaimFigureName(c, t)).ToList(), c.MaskingSuspected)).ToList());
    }

    private static string ClaimFigureName(ClaimVerdict c, TestResult t) => $"{c.Variant}.claim.{c.Id}.{t.Name}";

    private static void AddVariant(ReproductionResults r, VariantResults v, List<Figure> f)
    {
        string p0 = v.Variant.Name;
        void Accuracy(string name, IEnumerable<ReplicateEval> evals)
        {
            var list = evals.Where(e => e.Eval.CleanCorrect is not null).ToList();
            if (list.Count == 0) return;
            f.Add(Figure.Of($"{name}.clean", FigureKind.Accuracy, ClaimData.Accuracy(list, robust: false)));
            // A robust figure from an attack that failed its sanity checks is left out, not recorded.
            if (list.All(e => e.Eval.RobustAccuracyValid))
                f.Add(Figure.Of($"{name}.robust", FigureKind.Accuracy, ClaimData.Accuracy(list, robust: true, requireMaskingChecks: false)));
            if (list.All(e => e.Eval.Masking is not null))
                f.Add(Figure.Of($"{name}.masking_suite_worst_case", FigureKind.Accuracy, Estimate.FromReplicates(list.Select(e => e.Eval.Masking!.WorstCaseAccuracy).ToList())));
        }
        void PerReplicate(string name, FigureKind kind, IEnumerable<double> values)
        {
            var list = values.ToList();
            if (list.Count > 0) f.Add(Figure.Of(name, kind, Estimate.FromReplicates(list)));
        }
        foreach (var g in v.Stage1.GroupBy(s => s.Schedule))
        {
            string p = $"{p0}.stage1.{Schedule.Name(g.Key)}";
            Accuracy($"{p}.final", g.Where(s => s.FinalEval is not null).Select(s => new ReplicateEval(s.Replicate, s.FinalEval!)));
            var series = g.Where(s => s.Kernels is not null).Select(s => s.Kernels!).ToList();
            if (series.Count == 0) continue;
            foreach (var epoch in series[0].Checkpoints.Select(c => c.Epoch))
            {
                var points = series.Select(s => s.Checkpoints.FirstOrDefault(c => c.Epoch == epoch)).OfType<KernelPoint>().ToList();
                PerReplicate($"{p}.kernel@{E(epoch)}.distance_to_final", FigureKind.Kernel, points.Select(c => c.DistanceToFinal));
                PerReplicate($"{p}.kernel@{E(epoch)}.effective_rank", FigureKind.EffectiveRank, points.Select(c => c.EffectiveRank));
                PerReplicate($"{p}.kernel@{E(epoch)}.mean_specialization", FigureKind.Specialization, points.Select(c => c.MeanSpecialization));
            }
            foreach (var (from, to) in series[0].Velocities.Select(x => (x.FromEpoch, x.ToEpoch)))
                PerReplicate($"{p}.velocity@{E(from)}-{E(to)}", FigureKind.Kernel,
                    series.SelectMany(s => s.Velocities.Where(x => x.FromEpoch == from && x.ToEpoch == to).Select(x => x.Value)));
        }
        foreach (var (name, values) in CrossKernelFigures(r, v)) PerReplicate($"{p0}.kernels.{name}", FigureKind.Kernel, values);
        foreach (var g in v.Parents.GroupBy(x => (x.Schedule, x.Epoch)))
            Accuracy($"{p0}.parent.{Schedule.Name(g.Key.Schedule)}@{E(g.Key.Epoch)}", g.Select(x => new ReplicateEval(x.Replicate, x.Eval)));
        foreach (var g in v.ChildrenById)
        {
            string p = $"{p0}.{g.Key.FigureName}";
            Accuracy(p, g.Select(c => new ReplicateEval(c.Replicate, c.Eval)));
            PerReplicate($"{p}.final_training_loss", FigureKind.Loss, g.Where(c => c.FinalTrainingLoss is not null).Select(c => c.FinalTrainingLoss!.Value));
            if (g.Key.Dynamics.Kind().HasFirstOrderRatio)
                PerReplicate($"{p}.first_order_ratio", FigureKind.Kernel, g.Where(c => c.Eval.FirstOrderRatio is not null).Select(c => c.Eval.FirstOrderRatio!.Value));
        }
    }

    /// <summary>Per replicate: distances between final kernels of the two schedules and within each, and the switch runs at the switch to both.</summary>
    private static IEnumerable<(string Name, IEnumerable<double> Values)> CrossKernelFigures(ReproductionResults r, VariantResults v)
    {
        double final = r.Stage1Epochs;
        IEnumerable<double> MeanTo(ScheduleKind from, double epoch, ScheduleKind to) =>
            v.Replicates(from).Select(i =>
            {
                var values = v.Stage1.Where(s => s.Schedule == to && !(to == from && s.Replicate == i))
                    .Select(s => v.Distance(new KernelRef(from, i, epoch), new KernelRef(to, s.Replicate, final))).OfType<double>().ToList();
                return values.Count > 0 ? values.Average() : double.NaN;
            }).Where(x => !double.IsNaN(x));
        yield return ("final.benign_to_adversarial", MeanTo(ScheduleKind.Benign, final, ScheduleKind.Adversarial));
        yield return ("final.benign_to_benign", MeanTo(ScheduleKind.Benign, final, ScheduleKind.Benign));
        yield return ("final.adversarial_to_adversarial", MeanTo(ScheduleKind.Adversarial, final, ScheduleKind.Adversarial));
        yield return ($"switch@{E(r.SwitchEpoch)}.to_benign_final", MeanTo(ScheduleKind.Switch, r.SwitchEpoch, ScheduleKind.Benign));
        yield return ($"switch@{E(r.SwitchEpoch)}.to_adversarial_final", MeanTo(ScheduleKind.Switch, r.SwitchEpoch, ScheduleKind.Adversarial));
        yield return ($"switch@{E(final)}.to_benign_final", MeanTo(ScheduleKind.Switch, final, ScheduleKind.Benign));
        yield return ($"switch@{E(final)}.to_adversarial_final", MeanTo(ScheduleKind.Switch, final, ScheduleKind.Adversarial));
    }

    /// <summary>A figure outside its tolerance, present on one side only, or a changed verdict.</summary>
    public sealed record Difference(string Name, string Baseline, string Received, string Tolerance, bool Fails);

    public IReadOnlyList<Difference> CompareTo(FigureSet baseline)
    {
        var old = baseline.Figures.ToDictionary(x => x.Name);
        int m = Math.Max(1, Figures.Count(x => old.ContainsKey(x.Name)));
        var diffs = new List<Difference>();
        var moved = new HashSet<string>();
        foreach (var x in Figures)
        {
            if (!old.TryGetValue(x.Name, out var b)) { diffs.Add(new(x.Name, "—", Show(x), "new figure", true)); continue; }
            var (ok, tolerance) = Within(x, b, m);
            if (!ok) { moved.Add(x.Name); diffs.Add(new(x.Name, Show(b), Show(x), tolerance, true)); }
        }
        foreach (var b in baseline.Figures.Where(b => Figures.All(x => x.Name != b.Name)))
            diffs.Add(new(b.Name, Show(b), "—", "figure gone", true));
        var oldVerdicts = baseline.Verdicts.ToDictionary(v => (v.Id, v.Variant));
        foreach (var v in Verdicts)
        {
            if (!oldVerdicts.TryGetValue((v.Id, v.Variant), out var o)) { diffs.Add(new($"verdict {v.Id} ({v.Variant})", "—", VerdictText.Of(v.Verdict), "new verdict", true)); continue; }
            if (o.Verdict == v.Verdict) continue;
            bool opposite = (o.Verdict, v.Verdict) is (Verdict.Reproduced, Verdict.Contradicted) or (Verdict.Contradicted, Verdict.Reproduced);
            bool statisticsMoved = v.Figures.Any(moved.Contains) || v.Figures.Count == 0;
            string masking = (o.MaskingSuspected, v.MaskingSuspected) switch
            {
                (true, false) => " (masking suspected in the baseline only)",
                (false, true) => " (masking suspected in this run only)",
                _ => "",
            };
            diffs.Add(new($"verdict {v.Id} ({v.Variant})", VerdictText.Of(o.Verdict), VerdictText.Of(v.Verdict),
                (opposite ? "verdicts must not flip" : statisticsMoved ? "its statistics moved beyond tolerance" : "borderline: its statistics stayed within tolerance") + masking,
                opposite || statisticsMoved));
        }
        return diffs;
    }

    /// <summary>Whether a received figure matches its baseline, and the tolerance used.</summary>
    public static (bool Ok, string Tolerance) Within(Figure received, Figure baseline, int comparisons)
    {
        double floor = Math.Max(received.Floor(), baseline.Floor());
        double diff = Math.Abs(received.Mean - baseline.Mean);
        if (double.IsNaN(received.Mean) || double.IsNaN(baseline.Mean))
            return (double.IsNaN(received.Mean) && double.IsNaN(baseline.Mean), "both undefined");
        if (!received.HasUncertainty() || !baseline.HasUncertainty())
            return (diff <= floor, $"±{Format.Number(floor)} (no spread measured)");
        double va = received.StandardError * received.StandardError, vb = baseline.StandardError * baseline.StandardError;
        double dof = va + vb == 0 ? double.PositiveInfinity
            : (va + vb) * (va + vb) / (va * va / received.DegreesOfFreedom + vb * vb / baseline.DegreesOfFreedom);
        double t = double.IsInfinity(dof) ? 0 : StudentT.Quantile(1 - FamilyWiseErrorRate / (2 * comparisons), dof);
        double tolerance = t * Math.Sqrt(va + vb) + floor;
        return (diff <= tolerance, $"±{Format.Number(tolerance)} ({Format.Number(t)}·SE + {Format.Number(floor)})");
    }

    private static string Show(Figure x) =>
        x.HasUncertainty() ? $"{Format.Number(x.Mean)} ± {Format.Number(x.StandardError)}" : Format.Number(x.Mean);

    /// <summary>One readable table for figure and verdict changes alike.</summary>
    public static string FormatDifferences(IReadOnlyList<Difference> diffs)
    {
        int w = Math.Max(40, diffs.Select(d => d.Name.Length).DefaultIfEmpty(0).Max());
        var lines = new List<string> { $"{"figure or verdict".PadRight(w)}  {"baseline",-28} {"received",-28} tolerance" };
        lines.AddRange(diffs.Select(d => $"{d.Name.PadRight(w)}  {d.Baseline,-28} {d.Received,-28} {d.Tolerance}{(d.Fails ? "" : "  (not a failure)")}"));
        return string.Join("\n", lines);
    }

}

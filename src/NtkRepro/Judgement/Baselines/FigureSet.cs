using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Baselines;

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
public sealed record VerdictEntry(string Id, string Variant, Verdict Verdict, IReadOnlyList<string> Figures, bool MaskingSuspected = false)
{
    /// <summary>What each recorded test decided and its one-sided p-values (how near its decision threshold it lies).</summary>
    public IReadOnlyList<TestEntry> Tests { get; init; } = [];
}

/// <summary>One recorded test of a claim: its figure, its decision, its p-values, and the level its contradiction is read at (5%/k).</summary>
public sealed record TestEntry(string Figure, Decision Decision, double SupportP, double AgainstP, double ContradictionLevel, bool Deciding);

/// <summary>
/// The snapshot of a preset's results: every figure with its per-replicate values, every verdict
/// with what its tests decided, and the fingerprint of what determines the bits. Compared by
/// <see cref="SnapshotComparison"/>, exactly when the fingerprints match and statistically otherwise.
/// </summary>
public sealed record FigureSet(string Preset, IReadOnlyList<Figure> Figures, IReadOnlyList<VerdictEntry> Verdicts)
{
    /// <summary>What determined the bits; null in snapshots that predate it (those compare statistically).</summary>
    public Fingerprint? Fingerprint { get; init; }

    private static string E(double e) => Epochs.Name(e);

    /// <param name="preset">The preset that produced the results, for the fingerprint (default: the shipped preset of that name).</param>
    public static FigureSet From(ReproductionResults r, IReadOnlyList<ClaimVerdict> verdicts, Preset? preset = null)
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
            new VerdictEntry(c.Id, c.Variant, c.Verdict, c.ReadsOtherClaims ? ownNames : c.RecordedTests.Select(t => ClaimFigureName(c, t)).ToList(), c.MaskingSuspected)
            {
                Tests = c.ReadsOtherClaims ? [] : Entries(c),
            }).ToList()) { Fingerprint = Fingerprint.Of(r, preset) };
    }

    private static List<TestEntry> Entries(ClaimVerdict c)
    {
        int k = Math.Max(1, c.RecordedTests.Count(t => t.Deciding));
        return c.RecordedTests.Select(t => new TestEntry(ClaimFigureName(c, t), t.Decision, t.SupportP, t.AgainstP, (1 - OneSided.Level) / k, t.Deciding)).ToList();
    }

    /// <summary>A claim test's figure is named by the test's id, not its label: rewording a label leaves every baseline as it is.</summary>
    private static string ClaimFigureName(ClaimVerdict c, TestResult t) =>
        $"{c.Variant}.claim.{c.Id}.{t.Id ?? throw new InvalidOperationException($"{c.Id}'s test '{t.Name}' has no id, so it cannot be recorded as a figure")}";

    private static void AddVariant(ReproductionResults r, VariantResults v, List<Figure> f)
    {
        string p0 = v.Variant.Name;
        void Accuracy(string name, IEnumerable<ReplicateEval> evals)
        {
            var list = evals.Where(e => e.Eval.CleanCorrect is not null).ToList();
            if (list.Count == 0) return;
            f.Add(Figure.Of($"{name}.clean", FigureKind.Accuracy, ClaimData.Accuracy(list, robust: false).Value));
            // A robust figure from an attack that failed its sanity checks is left out, not recorded.
            if (list.All(e => e.Eval.RobustAccuracyValid))
                f.Add(Figure.Of($"{name}.robust", FigureKind.Accuracy, ClaimData.Accuracy(list, robust: true, requireMaskingChecks: false).Value));
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
                PerReplicate($"{p}.kernel@{E(epoch)}.mean_specialization", FigureKind.Specialization, points.Select(c => c.MeanSpecialization).OfType<double>());
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
        foreach (var g in (v.RunMeasures ?? []).GroupBy(m => (m.Schedule, m.Analysis, m.Figure)))
            PerReplicate($"{p0}.stage1.{Schedule.Name(g.Key.Schedule)}.{g.Key.Analysis}.{g.Key.Figure}", FigureKind.Kernel, g.OrderBy(m => m.Replicate).Select(m => m.Value));
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
}

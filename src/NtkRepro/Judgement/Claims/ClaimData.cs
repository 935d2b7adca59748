using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Claims;

/// <summary>
/// Read access to one variant's results for the claim checks, replicate by replicate: kernel
/// series and velocities over given intervals, kernel distances across runs, and accuracies as
/// correctness matrices (replicates × test images) so that estimates carry both sources of noise.
/// What the results do not hold comes back as a <see cref="Gap"/> in place of the value.
/// </summary>
public sealed class ClaimData(ReproductionResults results, VariantResults variant)
{
    public ReproductionResults Results { get; } = results;
    public VariantResults Variant { get; } = variant;
    public int FinalEpoch => Results.Stage1Epochs;
    public int SwitchEpoch => Results.SwitchEpoch;

    /// <summary>The first integer epoch at or after a fraction of training.</summary>
    public int EpochAt(double fraction) => (int)Math.Ceiling(fraction * FinalEpoch - 1e-9);

    /// <summary>The training curve of every replicate of a schedule that has one.</summary>
    public Needed<IReadOnlyList<ReplicateCurve>> TrainingCurves(ScheduleKind kind) =>
        NonEmpty(Variant.TrainingCurves(kind), $"no training curve of the {Schedule.Name(kind)} run");

    private static Needed<IReadOnlyList<T>> NonEmpty<T>(IReadOnlyList<T> list, string missing) => Needed.Where(list, list.Count > 0, missing);

    /// <summary>
    /// dS/dt over [a, a+1] per optimizer step of that epoch, times the steps of a benign epoch: a
    /// mixture AT epoch takes two steps per batch, so its per-epoch velocity counts twice as many.
    /// </summary>
    public Needed<double> VelocityPerStep(ScheduleKind kind, ReplicateSeries s, int a)
    {
        var curve = Variant.TrainingCurves(kind).FirstOrDefault(c => c.Replicate == s.Replicate)?.Curve;
        if (curve is null) return Gap.Missing($"no training curve of the {Schedule.Name(kind)} run of replicate {s.Replicate}");
        var epoch = curve.FirstOrDefault(e => e.Epoch == a);
        if (epoch is null) return Gap.Missing($"replicate {s.Replicate} has no training figures of epoch {a}");
        var benign = curve.FirstOrDefault(e => !e.Adversarial) ?? curve[0];
        if (epoch.Steps is not int steps || benign.Steps is not int benignSteps) return Gap.Missing($"replicate {s.Replicate}'s training curve predates step counts; rerun it");
        return Velocity(s.Series, a, a + 1).Select(v => v * benignSteps / steps);
    }

    /// <summary>
    /// A statistic of several groups of runs and its leave-one-run-out jackknife spread: the runs
    /// share reference kernels, so the replicate values are not independent. The statistic is
    /// recomputed with each run of each group left out, and each group's spread counts as a sample
    /// of its own (<see cref="GroupedJackknife"/>, with its degrees of freedom). Per-replicate values
    /// are the statistic's terms for the first group (what the report shows).
    /// </summary>
    public static Estimate Jackknife(IReadOnlyDictionary<ScheduleKind, IReadOnlyList<int>> groups, ScheduleKind first,
        Func<IReadOnlyDictionary<ScheduleKind, IReadOnlyList<int>>, IReadOnlyList<double>> terms)
    {
        var full = terms(groups);
        var leftOut = groups.Select(group => (IReadOnlyList<double>)group.Value.Select(r =>
        {
            var without = groups.ToDictionary(g => g.Key, g => g.Key == group.Key ? (IReadOnlyList<int>)g.Value.Where(x => x != r).ToList() : g.Value);
            return terms(without).Average();
        }).ToList()).ToList();
        var (se, dof) = GroupedJackknife.Of(leftOut);
        return new Estimate(full.Average(), se, dof, full);
    }

    /// <summary>The kernel series of every replicate of a schedule that has one.</summary>
    public Needed<IReadOnlyList<ReplicateSeries>> Series(ScheduleKind kind) =>
        NonEmpty(Variant.KernelSeries(kind), $"no kernel series of the {Schedule.Name(kind)} run");

    /// <summary>dS/dt over exactly [from, to]: a one-epoch interval, or two neighbouring kernel checkpoints.</summary>
    public static Needed<double> Velocity(KernelSeries s, double from, double to)
    {
        var match = (s.OneEpochVelocities ?? []).Concat(s.Velocities).Where(v => v.FromEpoch == from && v.ToEpoch == to).ToList();
        return match.Count > 0 ? match[0].Value : Gap.Missing($"the run has no kernels at epochs {from} and {to}");
    }

    public static Needed<KernelPoint> Point(KernelSeries s, double epoch) =>
        s.Checkpoints.FirstOrDefault(c => c.Epoch == epoch) is { } point ? point : Gap.Missing($"the run has no kernel at epoch {epoch}");

    /// <summary>The distances between the given pairs of kernels of different runs, all of them, or the first one missing.</summary>
    public Needed<DistanceTable> Distances(IEnumerable<(KernelRef A, KernelRef B)> pairs)
    {
        var table = new Dictionary<(KernelRef, KernelRef), double>();
        foreach (var (a, b) in pairs)
        {
            if (Variant.Distance(a, b) is not { } distance)
                return Gap.Missing($"no distance between the {Schedule.Name(a.Schedule)} kernel of replicate {a.Replicate} at {a.Epoch} " +
                    $"and the {Schedule.Name(b.Schedule)} kernel of replicate {b.Replicate} at {b.Epoch}");
            table[(a, b)] = table[(b, a)] = distance;
        }
        return new DistanceTable(table, FinalEpoch);
    }

    /// <summary>Every pair of distinct kernels of a list.</summary>
    public static IEnumerable<(KernelRef A, KernelRef B)> Among(IReadOnlyList<KernelRef> refs) =>
        refs.SelectMany((a, i) => refs.Skip(i + 1).Select(b => (a, b)));

    /// <summary>Every kernel of one list with every kernel of the other.</summary>
    public static IEnumerable<(KernelRef A, KernelRef B)> Across(IEnumerable<KernelRef> xs, IReadOnlyList<KernelRef> ys) =>
        xs.SelectMany(a => ys.Select(b => (a, b)));

    /// <summary>Replicates whose final kernel of the schedule is in the distance table.</summary>
    public IReadOnlyList<int> FinalKernelReplicates(ScheduleKind kind) => Variant.ReplicatesWithDistances(kind, FinalEpoch);

    public IReadOnlyList<double> SpawnEpochs => Variant.Children.Select(c => c.SpawnEpoch).Distinct().Order().ToList();

    public Needed<IReadOnlyList<ReplicateEval>> Children(ChildId id) =>
        NonEmpty(Variant.ChildEvals(id), $"no evaluated {id.Dynamics.Name()}{(id.Adversarial ? " adversarially trained" : "")} " +
            $"child of the {Schedule.Name(id.Parent)} parent at spawn epoch {id.SpawnEpoch}");

    /// <summary>A benignly trained child.</summary>
    public Needed<IReadOnlyList<ReplicateEval>> Children(ScheduleKind parent, double spawn, Dynamics dynamics) => Children(new ChildId(parent, spawn, dynamics, false));

    public Needed<IReadOnlyList<ReplicateEval>> FixedKernelRuns() =>
        NonEmpty(Variant.FixedKernel.OrderBy(c => c.Replicate).Select(c => new ReplicateEval(c.Replicate, c.Eval)).ToList(), "no evaluated section-7 run (AT on a fixed kernel)");

    /// <summary>A stage-1 run's evaluation at an epoch (a parent at a spawn epoch, or the final one).</summary>
    public Needed<IReadOnlyList<ReplicateEval>> Parents(ScheduleKind schedule, double epoch) =>
        NonEmpty(Variant.ParentEvals(schedule, epoch, FinalEpoch), $"no evaluation of the {Schedule.Name(schedule)} run at epoch {epoch}");

    /// <summary>
    /// Accuracy over replicates and test images. A robust one is the preset's evaluation attack (the
    /// paper's kind of attack: PGD, one restart) on every evaluation image; where a claim reads it
    /// (<paramref name="requireMaskingChecks"/>) the masking suite is a check beside it: a failed
    /// suite check, a transfer attack stronger than white-box, or a per-image worst case over the
    /// suite that falls below the figure beyond its noise make the figure suspected of masking
    /// (a <see cref="GapKind.MaskingSuspected"/> gap). A figure shown or recorded need not pass them.
    /// </summary>
    public static Needed<Estimate> Accuracy(IReadOnlyList<ReplicateEval> evals, bool robust, bool requireMaskingChecks = false) =>
        Matrix(evals, robust, requireMaskingChecks, MaskingChecksWaived.Value && robust ? AttackedImages(evals) : null).Select(m => m.Estimate());

    /// <summary>
    /// Accuracy of a minus accuracy of b, replicate paired with replicate (those both have), image
    /// with image; for claims, so robust figures must pass the masking checks.
    /// </summary>
    public static Needed<Estimate> AccuracyDifference(IReadOnlyList<ReplicateEval> a, IReadOnlyList<ReplicateEval> b,
        bool robustA, bool robustB) => Trend([a, b], [1, -1], [robustA, robustB]);

    /// <summary>
    /// Σ_t w_t · accuracy_t over several figures, replicate paired with replicate (those all have),
    /// image with image: a contrast whose uncertainty carries both the replicate spread and the test
    /// set's. With the masking checks waived (the set-aside reading of a suspected claim) robust
    /// figures are the per-image worst case on the images the suite attacked in all of them.
    /// </summary>
    public static Needed<Estimate> Trend(IReadOnlyList<IReadOnlyList<ReplicateEval>> figures, IReadOnlyList<double> weights, IReadOnlyList<bool> robust)
    {
        var common = figures.Select(f => f.Select(x => x.Replicate)).Aggregate((x, y) => x.Intersect(y)).Order().ToList();
        if (common.Count == 0) return Gap.Missing("no replicate has every figure");
        var paired = figures.Select(f => (IReadOnlyList<ReplicateEval>)f.Where(x => common.Contains(x.Replicate)).OrderBy(x => x.Replicate).ToList()).ToList();
        int? images = MaskingChecksWaived.Value && robust.Any(r => r) ? AttackedImages(paired.Where((_, i) => robust[i]).SelectMany(f => f).ToList()) : null;
        return paired.Select((f, i) => Matrix(f, robust[i], true, images)).All().Select(m => CorrectnessMatrix.Weighted(weights, m).Estimate());
    }

    /// <summary>The images every evaluation's masking suite attacked (the first ones); null when one ran without the suite (then all images, as PGD attacked them).</summary>
    private static int? AttackedImages(IReadOnlyList<ReplicateEval> evals) =>
        evals.All(e => e.Eval.Masking is not null) ? evals.Min(e => e.Eval.Masking!.Count) : null;

    /// <summary>
    /// How far the suite's per-image worst case lies below the evaluation attack's figure, on the
    /// images the suite attacked, replicate paired with replicate: null when no replicate ran the
    /// suite. The figure is suspected when the gap's lower 95% bound exceeds the figure's own
    /// standard error (a stronger attack moves it by more than its noise).
    /// </summary>
    public static Needed<Estimate?> WorstCaseGap(IReadOnlyList<ReplicateEval> evals)
    {
        var with = evals.Where(e => e.Eval.Masking is not null && e.Eval.RobustAccuracyValid).ToList();
        if (with.Count == 0) return Needed.Of<Estimate?>(null);
        int n = with.Min(e => e.Eval.Masking!.Count);
        return from pgd in with.Select(e => PerImage(e.Eval.RobustCorrect)).All()
               from worst in with.Select(e => PerImage(e.Eval.WorstCaseRobustCorrect)).All()
               select (Estimate?)CorrectnessMatrix.From(pgd.Select(c => c.First(n)).ToList()).Minus(CorrectnessMatrix.From(worst.Select(c => c.First(n)).ToList())).Estimate();
    }

    private static Needed<Correctness> PerImage(Correctness? bits) => bits is { } b ? b : PredatesPerImage;

    private static readonly Gap PredatesPerImage = Gap.Missing("an evaluation predates per-image results; rerun its step");


    private static readonly AsyncLocal<bool> MaskingChecksWaived = new();

    /// <summary>
    /// Within the scope robust figures are read whatever their masking checks said: only to show
    /// what a suspected claim's tests would read on the per-image worst-case figures, never to decide it.
    /// </summary>
    internal static IDisposable WaiveMaskingChecks()
    {
        MaskingChecksWaived.Value = true;
        return new Reinstate();
    }

    private sealed class Reinstate : IDisposable
    {
        public void Dispose() => MaskingChecksWaived.Value = false;
    }

    /// <param name="images">Read only the first this many images (null: all).</param>
    private static Needed<CorrectnessMatrix> Matrix(IReadOnlyList<ReplicateEval> evals, bool robust, bool requireMaskingChecks, int? images = null)
    {
        var bits = evals.Select(e => Bits(e, robust, requireMaskingChecks)).All();
        if (bits.Gap is { } missing) return missing;
        var matrix = CorrectnessMatrix.From(bits.Value.Select(c => images is int n ? c.First(n) : c).ToList());
        if (!robust || !requireMaskingChecks || MaskingChecksWaived.Value) return matrix;
        if (TransferCheck(evals) is { TransferStronger: true } transfer)
            return Gap.MaskingSuspected($"replicates {string.Join(", ", evals.Select(e => e.Replicate))}: {transfer.Describe()}");
        var figure = matrix.Estimate();
        var worstCase = WorstCaseGap(evals);
        if (worstCase.Gap is { } noBits) return noBits;
        if (worstCase.Value is { } gap && gap.HasUncertainty && gap.Lower(0.95) > (figure.HasUncertainty ? figure.StandardError : 0))
            return Gap.MaskingSuspected(
                $"replicates {string.Join(", ", evals.Select(e => e.Replicate))}: " +
                $"the masking suite's per-image worst case lies {Format.Points(gap.Mean)} points below the evaluation attack on the images it attacked " +
                $"(lower 95% bound {Format.Points(gap.Lower(0.95))}), beyond the figure's own standard error of {Format.Points(figure.StandardError)}");
        return matrix;
    }

    /// <summary>The transfer check of a figure, pooled over its replicates that ran one; null when none did.</summary>
    public static TransferComparison? TransferCheck(IEnumerable<ReplicateEval> evals)
    {
        var replicates = evals.Select(e => e.Eval.Masking).OfType<MaskingReport>()
            .Where(m => m.TransferOnlyBreaks is not null && m.StrongestWhiteBoxOnlyBreaks is not null)
            .Select(m => (m.TransferOnlyBreaks!.Value, m.StrongestWhiteBoxOnlyBreaks!.Value)).ToList();
        return replicates.Count == 0 ? null : MaskingChecks.CompareTransfer(replicates);
    }

    /// <summary>
    /// A robust figure whose attack failed its sanity checks is not a figure: the claims that need it
    /// are not run. One whose masking checks failed is a figure, but one a claim cannot rest on.
    /// With the checks waived, the per-image worst case over the suite is read instead.
    /// </summary>
    private static Needed<Correctness> Bits(ReplicateEval e, bool robust, bool requireMaskingChecks) =>
        !robust ? PerImage(e.Eval.CleanCorrect)
        : !e.Eval.RobustAccuracyValid ? Gap.Missing($"replicate {e.Replicate}: {e.Eval.RobustAccuracyInvalidReason}")
        : MaskingChecksWaived.Value ? PerImage(e.Eval.WorstCaseRobustCorrect)
        : requireMaskingChecks && e.Eval.MaskingSuspicion is { } why ? Gap.MaskingSuspected($"replicate {e.Replicate}: {why}")
        : PerImage(e.Eval.RobustCorrect);
}

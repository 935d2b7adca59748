using NtkRepro.Attacks;
using NtkRepro.Experiments;
using NtkRepro.Kernels;
using NtkRepro.Linearization;
using NtkRepro.Runs;
using NtkRepro.Statistics;
using NtkRepro.Training;

namespace NtkRepro.Claims;

/// <summary>A figure a claim needs that the results do not hold (its step has not run, or was not part of the preset).</summary>
public sealed class MissingResultException(string message) : Exception(message);

/// <summary>A robust figure a claim needs failed its gradient-masking checks: the claim is inconclusive, with the reason.</summary>
public sealed class SuspectedMaskingException(string message) : Exception(message);

/// <summary>
/// Read access to one variant's results for the claim checks, replicate by replicate: kernel
/// series and velocities over given intervals, kernel distances across runs, and accuracies as
/// correctness matrices (replicates × test images) so that estimates carry both sources of noise.
/// </summary>
public sealed class ClaimData(ReproductionResults results, VariantResults variant)
{
    public ReproductionResults Results { get; } = results;
    public VariantResults Variant { get; } = variant;
    public int FinalEpoch => Results.Stage1Epochs;
    public int SwitchEpoch => Results.SwitchEpoch;

    /// <summary>The first integer epoch at or after a fraction of training.</summary>
    public int EpochAt(double fraction) => (int)Math.Ceiling(fraction * FinalEpoch - 1e-9);

    /// <summary>The kernel series of every replicate of a schedule that has one.</summary>
    public IReadOnlyList<ReplicateSeries> Series(ScheduleKind kind)
    {
        var list = Variant.KernelSeries(kind);
        return list.Count > 0 ? list : throw new MissingResultException($"no kernel series of the {Schedule.Name(kind)} run");
    }

    /// <summary>dS/dt over exactly [from, to]: a one-epoch interval, or two neighbouring kernel checkpoints.</summary>
    public static double Velocity(KernelSeries s, double from, double to)
    {
        var match = (s.OneEpochVelocities ?? []).Concat(s.Velocities).Where(v => v.FromEpoch == from && v.ToEpoch == to).ToList();
        return match.Count > 0 ? match[0].Value : throw new MissingResultException($"the run has no kernels at epochs {from} and {to}");
    }

    public static KernelPoint Point(KernelSeries s, double epoch) =>
        s.Checkpoints.FirstOrDefault(c => c.Epoch == epoch) ?? throw new MissingResultException($"the run has no kernel at epoch {epoch}");

    /// <summary>Unit-length velocities v(a, a+1) for integer a in [from, to).</summary>
    public static IReadOnlyList<double> UnitVelocities(KernelSeries s, int from, int to) =>
        Enumerable.Range(from, Math.Max(0, to - from)).Select(a => Velocity(s, a, a + 1)).ToList();

    public double Distance(KernelRef a, KernelRef b) =>
        Variant.Distance(a, b)
        ?? throw new MissingResultException($"no distance between the {Schedule.Name(a.Schedule)} kernel of replicate {a.Replicate} at {a.Epoch} and the {Schedule.Name(b.Schedule)} kernel of replicate {b.Replicate} at {b.Epoch}");

    /// <summary>Replicates whose final kernel of the schedule is in the distance table.</summary>
    public IReadOnlyList<int> FinalKernelReplicates(ScheduleKind kind) => Variant.ReplicatesWithDistances(kind, FinalEpoch);

    public IReadOnlyList<double> SpawnEpochs => Variant.Children.Select(c => c.SpawnEpoch).Distinct().Order().ToList();

    public IReadOnlyList<ReplicateEval> Children(ChildId id)
    {
        var list = Variant.ChildEvals(id);
        return list.Count > 0 ? list
            : throw new MissingResultException($"no evaluated {id.Dynamics.Name()}{(id.Adversarial ? " adversarially trained" : "")} child of the {Schedule.Name(id.Parent)} parent at spawn epoch {id.SpawnEpoch}");
    }

    /// <summary>A benignly trained child.</summary>
    public IReadOnlyList<ReplicateEval> Children(ScheduleKind parent, double spawn, Dynamics dynamics) => Children(new ChildId(parent, spawn, dynamics, false));

    public IReadOnlyList<ReplicateEval> FixedKernelRuns()
    {
        var list = Variant.FixedKernel.OrderBy(c => c.Replicate).Select(c => new ReplicateEval(c.Replicate, c.Eval)).ToList();
        return list.Count > 0 ? list : throw new MissingResultException("no evaluated section-7 run (AT on a fixed kernel)");
    }

    /// <summary>A stage-1 run's evaluation at an epoch (a parent at a spawn epoch, or the final one).</summary>
    public IReadOnlyList<ReplicateEval> Parents(ScheduleKind schedule, double epoch)
    {
        var list = Variant.ParentEvals(schedule, epoch, FinalEpoch);
        return list.Count > 0 ? list : throw new MissingResultException($"no evaluation of the {Schedule.Name(schedule)} run at epoch {epoch}");
    }

    /// <summary>Accuracy over replicates and test images; a robust one is the worst case over the evaluation's attack and the masking suite.</summary>
    /// <param name="requireMaskingChecks">A claim's figure must have passed the masking checks (else <see cref="SuspectedMaskingException"/>); a figure shown or recorded need not.</param>
    public static Estimate Accuracy(IReadOnlyList<ReplicateEval> evals, bool robust, bool requireMaskingChecks = false) =>
        Matrix(evals, robust, requireMaskingChecks).Estimate();

    /// <summary>Accuracy of a minus accuracy of b, replicate paired with replicate (those both have), image with image; for claims, so robust figures must pass the masking checks.</summary>
    public static Estimate AccuracyDifference(IReadOnlyList<ReplicateEval> a, IReadOnlyList<ReplicateEval> b,
        bool robustA, bool robustB)
    {
        var common = a.Select(x => x.Replicate).Intersect(b.Select(x => x.Replicate)).Order().ToList();
        if (common.Count == 0) throw new MissingResultException("no replicate has both figures");
        return Matrix(a.Where(x => common.Contains(x.Replicate)).ToList(), robustA, true)
            .Minus(Matrix(b.Where(x => common.Contains(x.Replicate)).ToList(), robustB, true)).Estimate();
    }

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

    private static CorrectnessMatrix Matrix(IReadOnlyList<ReplicateEval> evals, bool robust, bool requireMaskingChecks)
    {
        var bits = evals.Select(e => Bits(e, robust, requireMaskingChecks)
            ?? throw new MissingResultException("an evaluation predates per-image results; rerun its step")).ToList();
        if (robust && requireMaskingChecks && !MaskingChecksWaived.Value && TransferCheck(evals) is { TransferStronger: true } transfer)
            throw new SuspectedMaskingException($"replicates {string.Join(", ", evals.Select(e => e.Replicate))}: {transfer.Describe()}");
        return CorrectnessMatrix.From(bits);
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
    /// </summary>
    private static Correctness? Bits(ReplicateEval e, bool robust, bool requireMaskingChecks) =>
        !robust ? e.Eval.CleanCorrect
        : !e.Eval.RobustAccuracyValid ? throw new MissingResultException($"replicate {e.Replicate}: {e.Eval.RobustAccuracyInvalidReason}")
        : requireMaskingChecks && !MaskingChecksWaived.Value && e.Eval.MaskingSuspicion is { } why ? throw new SuspectedMaskingException($"replicate {e.Replicate}: {why}")
        : e.Eval.WorstCaseRobustCorrect;
}

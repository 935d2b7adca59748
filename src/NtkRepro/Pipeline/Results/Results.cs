using System.Text.Json.Serialization;
using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Results;

/// <summary>A stage-1 run of one replicate: its training summary and curve, kernel series and final evaluation (each null until its step has run).</summary>
public sealed record Stage1Result(ScheduleKind Schedule, int Replicate, int Seed, string Run, RunSummary? Summary, KernelSeries? Kernels, EvalResult? FinalEval,
    IReadOnlyList<EpochMetrics>? TrainingCurve = null)
{
    [JsonIgnore] public RunId Id => new(Schedule, Replicate);
}

/// <summary>A stage-1 checkpoint evaluated as a parent (at a spawn epoch).</summary>
public sealed record ParentResult(ScheduleKind Schedule, int Replicate, double Epoch, EvalResult Eval);

/// <summary>A stage-2 child and its evaluation, with its training loss epoch by epoch (how converged it is).</summary>
public sealed record ChildResult(ScheduleKind Parent, int Replicate, double SpawnEpoch, Dynamics Dynamics, bool Adversarial, int Epochs,
    string Run, EvalResult Eval, double? FinalTrainingLoss, IReadOnlyList<double>? TrainingLosses = null)
{
    [JsonIgnore] public ChildId Id => new(Parent, SpawnEpoch, Dynamics, Adversarial);

    /// <summary>
    /// Final training loss minus the loss at the end of the epoch three quarters through training
    /// (negative: still falling); null with fewer than 4 epochs recorded. A converged child's is near 0.
    /// </summary>
    [JsonIgnore]
    public double? LossChangeOverLastQuarter =>
        TrainingLosses is { Count: >= 4 } l ? l[^1] - l[ThreeQuarters(l)] : null;

    /// <summary>
    /// <see cref="LossChangeOverLastQuarter"/> relative to the loss three quarters through, or to
    /// <see cref="RelativeLossFloor"/> when that loss is smaller: a child that has fitted its training
    /// set keeps shrinking a tiny loss by large fractions, which is no movement worth the name.
    /// </summary>
    [JsonIgnore]
    public double? RelativeLossChangeOverLastQuarter =>
        LossChangeOverLastQuarter is { } change ? change / Math.Max(TrainingLosses![ThreeQuarters(TrainingLosses)], RelativeLossFloor) : null;

    public const double RelativeLossFloor = 0.1;

    private static int ThreeQuarters(IReadOnlyList<double> l) => (int)Math.Ceiling(0.75 * l.Count) - 1;
}

/// <summary>A kernel of one run (schedule, replicate) at one checkpoint.</summary>
public sealed record KernelRef(ScheduleKind Schedule, int Replicate, double Epoch);

/// <summary>S(K_a, K_b) between kernels of different runs on the same subset.</summary>
public sealed record KernelDistance(KernelRef A, KernelRef B, double Distance);

/// <summary>The three kernels whose eigenvector images C16 compares.</summary>
public enum EigenKernel
{
    /// <summary>The benign run's kernel at initialisation (epoch 0).</summary>
    Initial,
    /// <summary>The benign run's kernel at the end of stage 1.</summary>
    Benign,
    /// <summary>The AT run's kernel at the end of stage 1.</summary>
    Adversarial,
}

/// <summary>One class's eigen-images of one replicate (a row per <see cref="EigenKernel"/>); <see cref="Grid"/> is the PNG, relative to the store.</summary>
public sealed record EigenImageRun(int Replicate, int Class, string Grid, EigenImageReport Report)
{
    /// <summary>The low-frequency energy of each eigenvector image (u1…uk) of a kernel's row; null when the row is missing.</summary>
    public IReadOnlyList<double>? EigenvectorEnergies(EigenKernel kernel) => Row(kernel)?.EigenvectorEnergies();

    public EigenImageResult? Row(EigenKernel kernel) => Report.Rows.FirstOrDefault(r => RowSource(r) == SourceName(kernel));

    /// <summary>The name a kernel's row is drawn under (<see cref="EigenImageSource.Label"/>).</summary>
    public static string SourceName(EigenKernel kernel) => kernel.ToString().ToLowerInvariant();

    // Rows written before they named their source carry it as the first word of the label.
    private static string RowSource(EigenImageResult row) => row.Source ?? row.Label.Split(' ')[0];
}

/// <summary>
/// Everything measured for one variant (dataset, ε), every replicate, and the queries that claims,
/// figures and the report ask of it, by identity.
/// </summary>
public sealed record VariantResults(
    Variant Variant,
    IReadOnlyList<Stage1Result> Stage1,
    IReadOnlyList<ParentResult> Parents,
    IReadOnlyList<ChildResult> Children,
    IReadOnlyList<ChildResult> FixedKernel,
    IReadOnlyList<KernelDistance> KernelDistances,
    IReadOnlyList<EigenImageRun>? EigenImages = null,
    VariantScope? Scope = null,
    IReadOnlyList<RunMeasure>? RunMeasures = null)
{
    /// <summary>Every child, benign stage 2 first, then the section-7 runs.</summary>
    [JsonIgnore] public IEnumerable<ChildResult> AllChildren => Children.Concat(FixedKernel);

    /// <summary>The children grouped by identity, in the order they were collected.</summary>
    [JsonIgnore] public ILookup<ChildId, ChildResult> ChildrenById => AllChildren.ToLookup(c => c.Id);

    /// <summary>One child's evaluations, by replicate.</summary>
    public IReadOnlyList<ReplicateEval> ChildEvals(ChildId id) =>
        ChildrenById[id].OrderBy(c => c.Replicate).Select(c => new ReplicateEval(c.Replicate, c.Eval)).ToList();

    /// <summary>Stage-1 evaluations of a schedule at an epoch (a parent at a spawn epoch, or the final one), by replicate.</summary>
    public IReadOnlyList<ReplicateEval> ParentEvals(ScheduleKind schedule, double epoch, double finalEpoch) =>
        Parents.Where(p => p.Schedule == schedule && p.Epoch == epoch).Select(p => new ReplicateEval(p.Replicate, p.Eval))
            .Concat(epoch == finalEpoch ? FinalEvals(schedule) : [])
            .DistinctBy(x => x.Replicate).OrderBy(x => x.Replicate).ToList();

    /// <summary>The final evaluations of a schedule's runs that have one, in collection order.</summary>
    public IReadOnlyList<ReplicateEval> FinalEvals(ScheduleKind schedule) =>
        Stage1.Where(s => s.Schedule == schedule && s.FinalEval is not null).Select(s => new ReplicateEval(s.Replicate, s.FinalEval!)).ToList();

    /// <summary>The training curves of a schedule's runs that have one, by replicate.</summary>
    public IReadOnlyList<ReplicateCurve> TrainingCurves(ScheduleKind schedule) =>
        Stage1.Where(s => s.Schedule == schedule && s.TrainingCurve is { Count: > 0 }).OrderBy(s => s.Replicate).Select(s => new ReplicateCurve(s.Replicate, s.TrainingCurve!)).ToList();

    /// <summary>The kernel series of a schedule's runs that have one, by replicate.</summary>
    public IReadOnlyList<ReplicateSeries> KernelSeries(ScheduleKind schedule) =>
        Stage1.Where(s => s.Schedule == schedule && s.Kernels is not null).OrderBy(s => s.Replicate).Select(s => new ReplicateSeries(s.Replicate, s.Kernels!)).ToList();

    /// <summary>S between two kernels of different runs, either way round; null when not measured.</summary>
    public double? Distance(KernelRef a, KernelRef b) =>
        KernelDistances.FirstOrDefault(d => (d.A == a && d.B == b) || (d.A == b && d.B == a))?.Distance;

    /// <summary>Replicates whose kernel of a schedule at an epoch is in the distance table.</summary>
    public IReadOnlyList<int> ReplicatesWithDistances(ScheduleKind schedule, double epoch) =>
        KernelDistances.SelectMany(d => new[] { d.A, d.B }).Where(k => k.Schedule == schedule && k.Epoch == epoch)
            .Select(k => k.Replicate).Distinct().Order().ToList();

    /// <summary>Replicates of a schedule with a stage-1 run collected.</summary>
    public IReadOnlyList<int> Replicates(ScheduleKind schedule) => Stage1.Where(s => s.Schedule == schedule).Select(s => s.Replicate).Distinct().ToList();
}

/// <summary>
/// What a variant's plan runs at all (a reduced radius runs less): a claim that reads something it
/// leaves out is out of scope there, not waiting for a step. Null in results that do not say.
/// </summary>
public sealed record VariantScope(IReadOnlyList<ScheduleKind> Schedules, bool SectionSeven, bool EigenImages, string Description);

/// <summary>How much of the plan the store holds.</summary>
public sealed record PlanProgress(int StepsDone, int StepsTotal, IReadOnlyList<string> Waiting)
{
    public bool Complete => Waiting.Count == 0;
}

/// <summary>Everything a reproduction measured; claims and the report are computed from this.</summary>
public sealed record ReproductionResults(
    string Preset,
    Scale Scale,
    string Model,
    string Data,
    int Stage1Epochs,
    int SwitchEpoch,
    int Replicates,
    IReadOnlyList<double> SpawnEpochs,
    IReadOnlyList<string> Deviations,
    IReadOnlyList<VariantResults> Variants,
    PlanProgress Progress,
    IReadOnlyList<StepTiming> Timings,
    string Finished)
{
    public double TotalSeconds => Timings.Sum(t => t.Seconds);

    /// <summary>The machines the steps ran on (two copies of one libtorch build in different folders are one machine).</summary>
    public IReadOnlyList<string> Machines() => Timings.Select(t => Numerics.Native.MachineDescription.WithoutLibtorchFolder(t.Machine)).Distinct().ToList();
}

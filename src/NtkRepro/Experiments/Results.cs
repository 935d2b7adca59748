using NtkRepro.Eigenimages;
using NtkRepro.Linearization;
using NtkRepro.Runs;
using NtkRepro.Training;

namespace NtkRepro.Experiments;

/// <summary>A stage-1 run of one replicate: its training summary, kernel series and final evaluation (each null until its step has run).</summary>
public sealed record Stage1Result(ScheduleKind Schedule, int Replicate, int Seed, string Run, RunSummary? Summary, KernelSeries? Kernels, EvalResult? FinalEval);

/// <summary>A stage-1 checkpoint evaluated as a parent (at a spawn epoch).</summary>
public sealed record ParentResult(ScheduleKind Schedule, int Replicate, double Epoch, EvalResult Eval);

/// <summary>A stage-2 child and its evaluation, with its training loss epoch by epoch (how converged it is).</summary>
public sealed record ChildResult(ScheduleKind Parent, int Replicate, double SpawnEpoch, Dynamics Dynamics, bool Adversarial, int Epochs,
    string Run, EvalResult Eval, double? FinalTrainingLoss, IReadOnlyList<double>? TrainingLosses = null)
{
    /// <summary>
    /// Final training loss minus the loss at the end of the epoch three quarters through training
    /// (negative: still falling); null with fewer than 4 epochs recorded. A converged child's is near 0.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? LossChangeOverLastQuarter =>
        TrainingLosses is { Count: >= 4 } l ? l[^1] - l[(int)Math.Ceiling(0.75 * l.Count) - 1] : null;
}

/// <summary>A kernel of one run (schedule, replicate) at one checkpoint.</summary>
public sealed record KernelRef(ScheduleKind Schedule, int Replicate, double Epoch);

/// <summary>S(K_a, K_b) between kernels of different runs on the same subset.</summary>
public sealed record KernelDistance(KernelRef A, KernelRef B, double Distance);

/// <summary>One class's eigen-images of one replicate (rows: initial, benign, adversarial); <see cref="Grid"/> is the PNG, relative to the store.</summary>
public sealed record EigenImageRun(int Replicate, int Class, string Grid, EigenImageReport Report)
{
    /// <summary>The low-frequency energy of each eigenvector image (u1…uk) of a row ("initial", "benign", "adversarial"); null when the row is missing.</summary>
    public IReadOnlyList<double>? EigenvectorEnergies(string row) =>
        Report.Rows.FirstOrDefault(x => x.Label.StartsWith(row, StringComparison.Ordinal)) is { } result
            ? result.Images.Where(i => i.Kind == "eigenvector").Select(i => i.LowFrequencyEnergy).ToList()
            : null;
}

/// <summary>Everything measured for one variant (dataset, ε), every replicate.</summary>
public sealed record VariantResults(
    Variant Variant,
    IReadOnlyList<Stage1Result> Stage1,
    IReadOnlyList<ParentResult> Parents,
    IReadOnlyList<ChildResult> Children,
    IReadOnlyList<ChildResult> FixedKernel,
    IReadOnlyList<KernelDistance> KernelDistances,
    IReadOnlyList<EigenImageRun>? EigenImages = null);

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
}

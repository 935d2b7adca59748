using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>A PGD attack whose radius comes from the variant: its steps and step size as a fraction of ε.</summary>
public sealed record AttackSpec(int Steps, double StepDivisor)
{
    public PgdConfig For(double epsilon) => new(epsilon, Steps, epsilon / StepDivisor);

    public override string ToString() => $"PGD-{Steps} with α = ε/{StepDivisor:0.##}";
}

/// <summary>The section-7 run: adversarial training on top of a fixed kernel.</summary>
public sealed record FixedKernelSpec(ScheduleKind Parent, double SpawnEpoch, Dynamics Dynamics, int Epochs);

/// <summary>
/// The eigen-images of C16 (PROTOCOL §5) on the full radii: for each replicate and class, the
/// top eigenvectors of the initial, benign and AT class kernels; <paramref name="Display"/> (more
/// columns: the negative and the kernel-regression images) is drawn for replicate 0, whose grids
/// the report shows; the others draw <paramref name="Measured"/>, what the C16 test reads.
/// </summary>
public sealed record EigenImageSpec(IReadOnlyList<int> Classes, EigenImageConfig Measured, EigenImageConfig Display)
{
    public EigenImageConfig For(int replicate) => replicate == 0 ? Display : Measured;
}

/// <summary>
/// A further attack radius run at a reduced scope, where the budget does not allow the whole
/// protocol twice: fewer replicates, some schedules, some spawn epochs, with or without section 7.
/// Everything else (epochs, attacks as fractions of ε, kernels) is the preset's.
/// </summary>
public sealed record ReducedRadius(double Epsilon255, int Replicates, IReadOnlyList<ScheduleKind> Schedules, IReadOnlyList<double> SpawnEpochs, bool FixedKernel)
{
    public override string ToString() =>
        $"ε = {Epsilon255.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}/255 at reduced scope: {Replicates} replicates, " +
        $"schedules {string.Join(", ", Schedules.Select(Schedule.Name))}, " +
        $"spawn epochs {string.Join(", ", SpawnEpochs.Select(e => e.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)))}, section 7 {(FixedKernel ? "run" : "not run")}";
}

/// <summary>
/// One scale of the reproduction: every choice the plan needs. How it departs from the paper is
/// derived by comparing it with <see cref="Presets.Paper"/> (<see cref="PresetDeviations"/>).
/// </summary>
public sealed record Preset
{
    public required string Name { get; init; }
    public required string Summary { get; init; }
    public required Scale Scale { get; init; }
    public required string Architecture { get; init; }
    public required int Width { get; init; }
    /// <summary>Datasets (cifar10, cifar100, synthetic) and attack radii (in 1/255): the variants are their product.</summary>
    public required IReadOnlyList<string> Datasets { get; init; }
    public required IReadOnlyList<double> Epsilons255 { get; init; }
    /// <summary>Further radii at a reduced scope (variants of every dataset, after the full ones).</summary>
    public IReadOnlyList<ReducedRadius> ReducedRadii { get; init; } = [];
    /// <summary>The first m training images of each class (null: all), the first n test images (null: all).</summary>
    public int? TrainPerClass { get; init; }
    public int? TestCount { get; init; }
    /// <summary>Independent replicates of everything; each schedule of each replicate has its own seed stream.</summary>
    public required int Replicates { get; init; }
    public required int Stage1Epochs { get; init; }
    public required int SwitchEpoch { get; init; }
    public double Stage1LearningRate { get; init; } = AuthorsDefaults.Stage1LearningRate;
    public required AttackSpec TrainAttack { get; init; }
    public AdversarialMode AdversarialMode { get; init; } = AdversarialMode.Mixture;
    public int BatchSize { get; init; } = AuthorsDefaults.BatchSize;
    public IReadOnlyList<double> FractionalCheckpoints { get; init; } = AuthorsDefaults.FractionalCheckpoints;
    /// <summary>Checkpoints whose kernels are computed, for every schedule.</summary>
    public required IReadOnlyList<double> KernelEpochs { get; init; }
    public required KernelSubset KernelSubset { get; init; }
    public required IReadOnlyList<double> SpawnEpochs { get; init; }
    public IReadOnlyList<ScheduleKind> SpawnParents { get; init; } = [ScheduleKind.Benign, ScheduleKind.Adversarial];
    public IReadOnlyList<Dynamics> ChildDynamics { get; init; } = DynamicsKind.All;
    public required int Stage2Epochs { get; init; }
    public double Stage2LearningRate { get; init; } = AuthorsDefaults.Stage2LearningRate;
    public required FixedKernelSpec? FixedKernel { get; init; }
    public required AttackSpec EvalAttack { get; init; }
    public int EvalBatchSize { get; init; } = 250;
    /// <summary>The gradient-masking suite run on every robust figure a claim uses (its ε is the variant's); null: not run.</summary>
    public MaskingConfig? Masking { get; init; }
    /// <summary>Eigen-images for C16, on the full radii only; null: not drawn.</summary>
    public EigenImageSpec? EigenImages { get; init; }
    /// <summary>Image passes (one forward and backward pass of one image) per second on the machine the preset is meant for: turns step costs into hours.</summary>
    public required double ImagePassesPerSecond { get; init; }
    public bool NeedsGpu { get; init; }
    /// <summary>Things the fields cannot say (e.g. synthetic data): printed with the derived deviations.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public IReadOnlyList<ScheduleKind> Schedules => [ScheduleKind.Benign, ScheduleKind.Adversarial, ScheduleKind.Switch];

    public IEnumerable<Variant> Variants => Datasets.SelectMany(d => Epsilons255.Concat(ReducedRadii.Select(r => r.Epsilon255)).Select(e => new Variant(d, e)));

    /// <summary>The reduced scope of a variant's radius, or null when the variant runs the whole protocol.</summary>
    public ReducedRadius? ReducedScopeOf(Variant v) => Epsilons255.Contains(v.Epsilon255) ? null : ReducedRadii.FirstOrDefault(r => r.Epsilon255 == v.Epsilon255);

    public int ReplicatesOf(Variant v) => ReducedScopeOf(v)?.Replicates ?? Replicates;

    public IReadOnlyList<ScheduleKind> SchedulesOf(Variant v) => ReducedScopeOf(v)?.Schedules ?? Schedules;

    public IReadOnlyList<double> SpawnEpochsOf(Variant v) => ReducedScopeOf(v)?.SpawnEpochs ?? SpawnEpochs;

    public FixedKernelSpec? FixedKernelOf(Variant v) => ReducedScopeOf(v) is { FixedKernel: false } ? null : FixedKernel;

    public ModelSpec ModelFor(Variant v) => new(Architecture, Width, DatasetLoader.Classes(v.Dataset));

    public DataSpec DataFor(Variant v) => new(v.Dataset, TrainPerClass, TestCount);

    public bool NeedsFullData => TrainPerClass is null && TestCount is null && !Datasets.Any(DatasetLoader.IsSynthetic);

    public Schedule ScheduleOf(ScheduleKind kind) => ScheduleStrategy.Of(kind).ScheduleFor(SwitchEpoch);

    public Stage1Config Stage1(Variant v, ScheduleKind kind, int replicate) => new()
    {
        Model = ModelFor(v),
        Data = DataFor(v),
        Schedule = ScheduleOf(kind),
        AdversarialMode = AdversarialMode,
        TrainAttack = ScheduleStrategy.Of(kind).Attacks ? TrainAttack.For(v.Epsilon) : NoAttack,
        Epochs = Stage1Epochs,
        LearningRate = Stage1LearningRate,
        BatchSize = BatchSize,
        Seed = ReplicateSeeds.Stage1(replicate, kind),
        FractionalCheckpoints = FractionalCheckpoints,
        KeptCheckpoints = CheckpointsRead,
    };

    /// <summary>
    /// The stage-1 checkpoints later steps read, whatever the radius or schedule (so the runs that
    /// radii share keep one configuration): the initial one, the kernel grid, every spawn epoch,
    /// the section-7 spawn epoch and the last. Derived from the settings above, so left out of the
    /// preset's serialized definition (and its fingerprint).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<double> CheckpointsRead =>
        new[] { 0.0, Stage1Epochs }.Concat(KernelEpochs).Concat(SpawnEpochs).Concat(ReducedRadii.SelectMany(r => r.SpawnEpochs))
            .Concat(FixedKernel is { } fk ? [fk.SpawnEpoch] : []).Distinct().Order().ToList();

    /// <summary>
    /// What a run that never attacks carries as its training attack: the configuration's default, the
    /// same at every radius, so that the run's configuration (and folder) is too and the radii share it.
    /// </summary>
    private static readonly PgdConfig NoAttack = PgdConfig.Training();

    /// <summary>A child's configuration; its parent is named relative to the child's folder.</summary>
    public Stage2Config Stage2(Variant v, string parentRelative, ChildId child, int epochs, int replicate) => new()
    {
        ParentRun = parentRelative,
        SpawnEpoch = child.SpawnEpoch,
        Dynamics = child.Dynamics,
        Adversarial = child.Adversarial,
        AdversarialMode = AdversarialMode,
        TrainAttack = child.Adversarial ? TrainAttack.For(v.Epsilon) : NoAttack,
        Epochs = epochs,
        LearningRate = Stage2LearningRate,
        BatchSize = BatchSize,
        Seed = ReplicateSeeds.Child(replicate, child),
    };

    public MaskingConfig? MaskingFor(Variant v) => Masking is null ? null : Masking with { Epsilon = v.Epsilon };

    public EvalConfig Eval(Variant v, int replicate) => new(EvalAttack.For(v.Epsilon), EvalBatchSize, Seed: ReplicateSeeds.Evaluation(replicate));

    public IReadOnlyList<string> Deviations => PresetDeviations.Between(this, Presets.Paper);
}

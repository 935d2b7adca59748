using NtkRepro.Attacks;
using NtkRepro.Kernels;
using NtkRepro.Linearization;
using NtkRepro.Models;
using NtkRepro.Training;
using NtkRepro.Runs;
using NtkRepro.Data;

namespace NtkRepro.Experiments;

/// <summary>The section-7 run: adversarial training on top of a fixed kernel.</summary>
public sealed record FixedKernelSpec(string ParentSchedule, double SpawnEpoch, Dynamics Dynamics, int Epochs);

/// <summary>
/// One scale of the reproduction: every choice the runner needs, and every way it deviates from
/// the paper's protocol (printed in the report).
/// </summary>
public sealed record Preset
{
    public required string Name { get; init; }
    public required string Summary { get; init; }
    /// <summary>The scale name claim records refer to (smoke, mini, gpu, paper).</summary>
    public required string Scale { get; init; }
    public required ModelSpec Model { get; init; }
    public required DataSpec Data { get; init; }
    public required int Stage1Epochs { get; init; }
    public required int SwitchEpoch { get; init; }
    public required PgdConfig TrainAttack { get; init; }
    public AdversarialMode AdversarialMode { get; init; } = AdversarialMode.Mixture;
    public int BatchSize { get; init; } = 128;
    public IReadOnlyList<double> FractionalCheckpoints { get; init; } = [0.125, 0.25, 0.375, 0.5, 0.75, 1.5, 2.5];
    /// <summary>Checkpoints whose kernels are computed, per schedule name (benign, adversarial, switch).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<double>> KernelEpochs { get; init; }
    public required KernelSubset KernelSubset { get; init; }
    public required IReadOnlyList<double> SpawnEpochs { get; init; }
    /// <summary>Stage-2 parents (schedules) and the dynamics trained from each spawn epoch.</summary>
    public IReadOnlyList<string> SpawnParents { get; init; } = ["benign", "adversarial"];
    public IReadOnlyList<Dynamics> ChildDynamics { get; init; } = [Dynamics.Standard, Dynamics.Linearized, Dynamics.Centered];
    public required int Stage2Epochs { get; init; }
    public double Stage2LearningRate { get; init; } = 0.01;
    public required FixedKernelSpec? FixedKernel { get; init; }
    public required EvalConfig Eval { get; init; }
    public IReadOnlyList<int> Seeds { get; init; } = [0];
    /// <summary>Every way this preset departs from the paper's protocol.</summary>
    public required IReadOnlyList<string> Deviations { get; init; }
    public bool NeedsGpu { get; init; }
    public bool NeedsFullData { get; init; }

    public IReadOnlyList<string> Schedules => ["benign", "adversarial", $"switch:{SwitchEpoch}"];

    public Stage1Config Stage1(string schedule, int seed) => new()
    {
        Model = Model,
        Data = Data,
        Schedule = Schedule.Parse(schedule),
        AdversarialMode = AdversarialMode,
        TrainAttack = TrainAttack,
        Epochs = Stage1Epochs,
        BatchSize = BatchSize,
        Seed = seed,
        FractionalCheckpoints = FractionalCheckpoints,
    };
}

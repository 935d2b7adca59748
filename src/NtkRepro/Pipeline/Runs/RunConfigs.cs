using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;

namespace NtkRepro.Pipeline.Runs;

/// <summary>Stage 1: train a network from initialisation (PROTOCOL §3). Defaults are the authors' code's.</summary>
public sealed record Stage1Config
{
    public required ModelSpec Model { get; init; }
    public required DataSpec Data { get; init; }
    public Schedule Schedule { get; init; } = Schedule.Benign;
    public AdversarialMode AdversarialMode { get; init; } = AdversarialMode.Mixture;
    public PgdConfig TrainAttack { get; init; } = PgdConfig.Training();
    public int Epochs { get; init; } = AuthorsDefaults.Stage1Epochs;
    public double LearningRate { get; init; } = AuthorsDefaults.Stage1LearningRate;
    public double Momentum { get; init; } = AuthorsDefaults.Momentum;
    public int BatchSize { get; init; } = AuthorsDefaults.BatchSize;
    public int Seed { get; init; }
    /// <summary>Checkpoints inside an epoch, besides the one after every epoch (those past the last epoch are not taken).</summary>
    public IReadOnlyList<double> FractionalCheckpoints { get; init; } = AuthorsDefaults.FractionalCheckpoints;
    /// <summary>
    /// The only checkpoints written (whole and fractional epochs; the last epoch always): what later
    /// steps of a plan read. Null (left out of the configuration, so its hash is what it was before this setting) writes every epoch's.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? KeptCheckpoints { get; init; }

    /// <summary>Whether the checkpoint at this epoch is written.</summary>
    public bool Keeps(double epoch) => KeptCheckpoints is null || epoch == Epochs || KeptCheckpoints.Contains(epoch);

    /// <summary>The fractional checkpoints actually written: inside the run and kept (a method, so it stays out of the configuration's hash).</summary>
    public IReadOnlyList<double> WrittenFractionalCheckpoints() => FractionalCheckpoints.Where(f => f < Epochs && Keeps(f)).ToList();

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs {Epochs}: must be at least 1");
        if (Model.Width < 1) throw new ArgumentException($"width {Model.Width}: must be at least 1");
        if (Data.TrainPerClass is < 1) throw new ArgumentException($"training images per class {Data.TrainPerClass}: must be at least 1");
        if (Schedule.Strategy().Invalid(Schedule.SwitchEpoch, Epochs) is { } invalid) throw new ArgumentException($"schedule {Schedule}: {invalid}");
        foreach (var e in KeptCheckpoints ?? [])
            if (e < 0 || e > Epochs) throw new ArgumentException($"kept checkpoint at epoch {e}: outside 0..{Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"batch size {BatchSize}: must be at least 1");
        if (FractionalCheckpoints.Any(f => f <= 0 || f == Math.Floor(f)))
            throw new ArgumentException($"fractional checkpoints must be positive non-integer epochs (got {string.Join(", ", FractionalCheckpoints)})");
        TrainAttack.Validate();
    }
}

/// <summary>Stage 2: train a child of a stage-1 checkpoint under linearized or centered dynamics (PROTOCOL §3).</summary>
public sealed record Stage2Config
{
    /// <summary>
    /// The parent's stage-1 run folder, relative to this run's own folder (so a store of runs can be
    /// moved or mounted elsewhere; an absolute path works but ties the run to one place), and the
    /// spawn epoch (a checkpoint of that run).
    /// </summary>
    public required string ParentRun { get; init; }
    public required double SpawnEpoch { get; init; }
    public required Dynamics Dynamics { get; init; }
    /// <summary>Benign (the default) or adversarial (section 7: AT on a fixed kernel).</summary>
    public bool Adversarial { get; init; }
    public AdversarialMode AdversarialMode { get; init; } = AdversarialMode.Mixture;
    public PgdConfig TrainAttack { get; init; } = PgdConfig.Training();
    public int Epochs { get; init; } = AuthorsDefaults.Stage2Epochs;
    public double LearningRate { get; init; } = AuthorsDefaults.Stage2LearningRate;
    public double Momentum { get; init; } = AuthorsDefaults.Momentum;
    public int BatchSize { get; init; } = AuthorsDefaults.BatchSize;
    public int Seed { get; init; }
    /// <summary>A standard child trains its BatchNorm statistics (the authors' --loose_bn_second); false, the default: it keeps its parent's, as every child does.</summary>
    public bool LooseBatchNorm { get; init; }
    /// <summary>How the child's forward pass computes J·(θ − θt) (tangent-pass training and every evaluation).</summary>
    public JvpRoute Route { get; init; } = JvpRoute.TangentPropagation;
    /// <summary>How training steps are computed; Auto is resolved when the run starts, and the run folder's config.json holds the resolved route.</summary>
    public TrainingRoute TrainingRoute { get; init; } = TrainingRoute.Auto;

    /// <summary>The parent's folder as seen from this run's folder.</summary>
    public string ParentFolder(string runPath) => Path.GetFullPath(Path.Combine(runPath, ParentRun));

    /// <summary>A configuration whose parent is named relative to the run folder it will live in.</summary>
    public static string RelativeParent(string runPath, string parentPath) =>
        Path.GetRelativePath(Path.GetFullPath(runPath), Path.GetFullPath(parentPath));

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs {Epochs}: must be at least 1");
        if (BatchSize < 1) throw new ArgumentException($"batch size {BatchSize}: must be at least 1");
        if (SpawnEpoch < 0) throw new ArgumentException($"spawn epoch {SpawnEpoch}: must not be negative");
        TrainingRoutes.Check(TrainingRoute, Dynamics, Adversarial);
        TrainAttack.Validate();
    }
}

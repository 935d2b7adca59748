using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Runs;

/// <summary>
/// Stage 2: a child of a stage-1 checkpoint under standard, linearized or centered dynamics,
/// trained benignly or adversarially (section 7). Linearized and centered children keep the
/// parent's parameters and BN statistics frozen; a standard child is a copy of the parent that
/// trains with the stage-2 hyper-parameters and, as the authors' code does by default, its
/// parent's BatchNorm statistics frozen (<c>Stage2Config.LooseBatchNorm</c> trains them instead). Benign
/// linearized/centered children train on cached Jacobian rows where they fit (<see cref="TrainingRoute"/>).
/// </summary>
public static class Stage2
{
    public const string Kind = "stage2";

    /// <param name="cache">Where cached Jacobian rows may live (cached-Jacobian route only); the choice changes no result.</param>
    public static RunSummary Train(Stage2Config config, string runPath, LabeledImages train, Device device, IProgressSink progress,
        JacobianCacheOptions? cache = null)
    {
        config.Validate();
        using var classifier = CreateChild(config, runPath, device);
        config = WithResolvedRoute(config, classifier, train.Count);
        var dir = RunDirectory.Open(runPath, Kind, config);
        if (dir.IsDone) return dir.ReadSummary();
        var optimizer = new MomentumSgd(classifier.Trainable, config.LearningRate, config.Momentum);
        string task = $"stage 2 {config.Dynamics.Name()}{(config.Adversarial ? $" adversarial ({config.AdversarialMode.ToString().ToLowerInvariant()})" : "")} {Path.GetFileName(dir.Path)}";
        EpochPlan PlanFor(int epoch) => new(epoch, config.BatchSize, config.Adversarial, config.AdversarialMode, config.TrainAttack, config.Seed, task);
        bool CheckpointAfter(int epoch) => epoch == config.Epochs;
        if (config.TrainingRoute != TrainingRoute.CachedJacobian)
            return RunDriver.Execute(dir, classifier, optimizer, train, config.Epochs, PlanFor, CheckpointAfter, [], progress,
                route: () => Json.EnumName(TrainingRoute.ForwardPass));
        var taylor = classifier.Taylor ?? throw new InvalidOperationException(
            $"the cached-Jacobian route trains a Taylor model of the parent, and {config.Dynamics.Name()} children are not one");
        using var cached = new CachedJacobianTrainer(taylor, optimizer, train,
            (cache ?? new()) with { ScratchFolder = cache?.ScratchFolder ?? dir.Path },
            $"{config.ParentFolder(runPath)} epoch {RunDirectory.EpochName(config.SpawnEpoch)}", progress, task);
        return RunDriver.Execute(dir, classifier, optimizer, train, config.Epochs, PlanFor, CheckpointAfter, [], progress,
            cached.TrainEpoch, cached.Describe);
    }

    /// <summary>The configuration with its training route resolved (<see cref="TrainingRoutes.Resolve"/>).</summary>
    public static Stage2Config WithResolvedRoute(Stage2Config config, Classifier child, int trainCount)
    {
        long bytes = child.Taylor is { } taylor ? JacobianFeatures.BytesFor(taylor.Parent, trainCount) : 0;
        return config with { TrainingRoute = TrainingRoutes.Resolve(config.TrainingRoute, config.Dynamics, config.Adversarial, bytes, config.Epochs) };
    }

    /// <summary>The child at θ = θt around the parent checkpoint; <paramref name="runPath"/> is the child's folder.</summary>
    public static Classifier CreateChild(Stage2Config config, string runPath, Device device)
    {
        var parent = LoadParent(config.ParentFolder(runPath), config.SpawnEpoch, device);
        return config.Dynamics.Kind().CreateChild(parent, config.Route, config.LooseBatchNorm);
    }

    /// <summary>The parent network at a stage-1 checkpoint, in eval mode.</summary>
    public static NtkModel LoadParent(string parentRun, double epoch, Device device)
    {
        var (parentDir, parentConfig) = RunDirectory.Read<Stage1Config>(parentRun, Stage1.Kind);
        var model = Checkpoint.LoadModel(parentConfig.Model, parentDir.RequireCheckpoint(epoch));
        model.to(device);
        model.eval();
        return model;
    }

    /// <summary>A finished child, restored from its final checkpoint.</summary>
    public static Classifier LoadChild(string runPath, Device device)
    {
        var (dir, config) = RunDirectory.Read<Stage2Config>(runPath, Kind);
        var child = CreateChild(config, dir.Path, device);
        Checkpoint.Load(child.CheckpointModule, dir.CheckpointPath(config.Epochs));
        child.SetTraining(false);
        return child;
    }
}

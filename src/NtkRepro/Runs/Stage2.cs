using NtkRepro.Data;
using NtkRepro.Linearization;
using NtkRepro.Models;
using NtkRepro.Util;
using TorchSharp;
using static TorchSharp.torch;
using NtkRepro.Training;
using NtkRepro.Kernels;

namespace NtkRepro.Runs;

/// <summary>
/// Stage 2: a child of a stage-1 checkpoint under standard, linearized or centered dynamics,
/// trained benignly or adversarially (section 7). Linearized and centered children keep the
/// parent's parameters and BN statistics frozen; a standard child is a copy of the parent that
/// trains like stage 1 (BN batch statistics), with the stage-2 hyper-parameters.
/// </summary>
public static class Stage2
{
    public const string Kind = "stage2";

    public static RunSummary Train(Stage2Config config, string runPath, LabeledImages train, Device device, IProgressSink progress)
    {
        config.Validate();
        var dir = RunDirectory.Open(runPath, Kind, config);
        if (dir.IsDone) return dir.ReadSummary();
        using var classifier = CreateChild(config, dir.Path, device);
        var optimizer = new MomentumSgd(classifier.Trainable, config.LearningRate, config.Momentum);
        string task = $"stage 2 {config.Dynamics.ToString().ToLowerInvariant()}{(config.Adversarial ? $" adversarial ({config.AdversarialMode.ToString().ToLowerInvariant()})" : "")} {Path.GetFileName(dir.Path)}";
        return RunDriver.Execute(dir, classifier, optimizer, train, config.Epochs,
            epoch => new EpochPlan(epoch, config.BatchSize, config.Adversarial, config.AdversarialMode, config.TrainAttack, config.Seed, task),
            checkpointAfterEpoch: e => e == config.Epochs, [], progress);
    }

    /// <summary>The child at θ = θt around the parent checkpoint; <paramref name="runPath"/> is the child's folder.</summary>
    public static Classifier CreateChild(Stage2Config config, string runPath, Device device)
    {
        var parent = LoadParent(config.ParentFolder(runPath), config.SpawnEpoch, device);
        if (config.Dynamics == Dynamics.Standard) return new StandardClassifier(parent);
        using (parent) return new LinearizedClassifier(parent, config.Dynamics, config.Route);
    }

    /// <summary>The parent network at a stage-1 checkpoint, in eval mode.</summary>
    public static NtkModel LoadParent(string parentRun, double epoch, Device device)
    {
        var (parentDir, parentConfig) = RunDirectory.Read<Stage1Config>(parentRun, Stage1.Kind);
        var path = parentDir.CheckpointPath(epoch);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{parentDir.Path} has no checkpoint at epoch {RunDirectory.EpochName(epoch)} (it has: {string.Join(", ", parentDir.CheckpointEpochs().Select(RunDirectory.EpochName))})");
        var model = Checkpoint.LoadModel(parentConfig.Model, path);
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

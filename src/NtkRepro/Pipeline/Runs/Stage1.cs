using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Runs;

/// <summary>Stage 1: a network trained from initialisation under a benign, adversarial or switch schedule.</summary>
public static class Stage1
{
    public const string Kind = "stage1";

    public static RunSummary Train(Stage1Config config, string runPath, LabeledImages train, Device device, IProgressSink progress)
    {
        config.Validate();
        var dir = RunDirectory.Open(runPath, Kind, config);
        if (dir.IsDone) return dir.ReadSummary();
        var model = config.Model.Create(config.Seed);
        model.to(device);
        using (var first = InitialBatch(train, config))
            model.InitializeBatchNorm(first);
        using var classifier = new StandardClassifier(model);
        var optimizer = new MomentumSgd(classifier.Trainable, config.LearningRate, config.Momentum);
        string task = $"stage 1 {config.Schedule}{(config.Schedule.Strategy().Attacks ? $" ({config.AdversarialMode.ToString().ToLowerInvariant()})" : "")} {Path.GetFileName(dir.Path)}";
        return RunDriver.Execute(dir, classifier, optimizer, train, config.Epochs,
            epoch => new EpochPlan(epoch, config.BatchSize, config.Schedule.IsAdversarial(epoch), config.AdversarialMode, config.TrainAttack, config.Seed, task),
            checkpointAfterEpoch: e => config.Keeps(e), config.WrittenFractionalCheckpoints(), progress);
    }

    /// <summary>The batch BatchNorm's statistics start from: the first of a shuffled pass drawn apart from every epoch's.</summary>
    private static Tensor InitialBatch(LabeledImages train, Stage1Config config)
    {
        var order = Seeds.Permutation(train.Count, Seeds.Derive(config.Seed, -1, 1)).Take(Math.Min(config.BatchSize, train.Count)).ToArray();
        using var indices = torch.tensor(order, device: train.Images.device);
        return train.Images.index_select(0, indices);
    }
}

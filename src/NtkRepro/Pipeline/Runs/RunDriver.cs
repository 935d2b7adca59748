using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using TorchSharp;

namespace NtkRepro.Pipeline.Runs;

/// <summary>
/// The epoch loop shared by both stages: resumes from the last completed epoch, saves the
/// checkpoints asked for, the resume state after every epoch, and done.json at the end.
/// </summary>
internal static class RunDriver
{
    /// <summary>Trains one epoch of the classifier; the callback runs after every batch (fractional checkpoints).</summary>
    public delegate EpochMetrics EpochTrainer(EpochPlan plan, Action<int> afterBatch);

    /// <param name="trainEpoch">Default: <see cref="EpochLoop.Run"/> on the classifier's forward pass.</param>
    /// <param name="route">How the epochs were trained, for done.json; asked for at the end.</param>
    public static RunSummary Execute(RunDirectory dir, Classifier classifier, MomentumSgd optimizer, LabeledImages train,
        int epochs, Func<int, EpochPlan> planFor, Func<int, bool> checkpointAfterEpoch, IReadOnlyList<double> fractionalCheckpoints,
        IProgressSink progress, EpochTrainer? trainEpoch = null, Func<string>? route = null)
    {
        trainEpoch ??= (plan, afterBatch) => EpochLoop.Run(classifier, optimizer, train, plan, progress, afterBatch);
        var metrics = new List<EpochMetrics>();
        int start = 0;
        double previousSeconds = 0;
        if (dir.HasState)
        {
            var state = dir.LoadState(classifier, optimizer);
            start = state.CompletedEpochs;
            metrics.AddRange(state.Metrics);
            previousSeconds = state.Seconds;
            progress.Log($"{dir.Path}: resuming after epoch {start} of {epochs}");
        }
        else if (checkpointAfterEpoch(0))
            dir.SaveCheckpoint(classifier, 0);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int epoch = start; epoch < epochs; epoch++)
        {
            var plan = planFor(epoch);
            int batches = (train.Count + plan.BatchSize - 1) / plan.BatchSize;
            // Fractional checkpoint f is taken after round((f − epoch)·batches) batches, at least one.
            var inEpoch = fractionalCheckpoints.Where(f => (int)Math.Floor(f) == epoch)
                .ToLookup(f => Math.Max(1, (int)Math.Round((f - epoch) * batches, MidpointRounding.AwayFromZero)) - 1);
            var epochMetrics = trainEpoch(plan, b =>
            {
                foreach (var f in inEpoch[b]) dir.SaveCheckpoint(classifier, f);
            });
            metrics.Add(epochMetrics);
            if (checkpointAfterEpoch(epoch + 1)) dir.SaveCheckpoint(classifier, epoch + 1);
            dir.SaveState(classifier, optimizer, new RunProgress(epoch + 1, metrics, previousSeconds + watch.Elapsed.TotalSeconds));
            progress.Log($"{plan.Task}: epoch {epoch + 1}/{epochs} loss {epochMetrics.Loss:F4} acc {epochMetrics.Accuracy:P1}" +
                         (epochMetrics.Adversarial ? $" adv-loss {epochMetrics.AdversarialLoss:F4} adv-acc {epochMetrics.AdversarialAccuracy:P1}" : "") +
                         $" ({epochMetrics.Seconds:F0}s)");
        }
        var device = classifier.Trainable[0].device.ToString();
        var summary = new RunSummary(dir.Kind, epochs, previousSeconds + watch.Elapsed.TotalSeconds, metrics.LastOrDefault(),
            torch.get_num_threads(), device, DateTime.UtcNow.ToString("u"), route?.Invoke());
        dir.MarkDone(summary);
        return summary;
    }
}

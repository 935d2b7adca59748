using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Training;

/// <summary>What one epoch does.</summary>
public sealed record EpochPlan(int Epoch, int BatchSize, bool Adversarial, AdversarialMode Mode, PgdConfig Attack, long RunSeed, string Task);

/// <summary>Figures of one epoch: mean loss and accuracy over its training batches.</summary>
/// <summary>One epoch's training figures; <paramref name="Steps"/> counts its optimizer steps (a mixture AT epoch takes two per batch; null in runs written before it was recorded).</summary>
public sealed record EpochMetrics(int Epoch, bool Adversarial, double Loss, double Accuracy, double? AdversarialLoss, double? AdversarialAccuracy, double Seconds, int? Steps = null);

/// <summary>Raised when a loss becomes NaN or infinite; the run keeps its last good state.</summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message);

/// <summary>
/// One epoch of SGD over shuffled batches: benign steps, or adversarial steps (mixture or pure).
/// Every step runs inside its own dispose scope; shuffling and attack starts are seeded by
/// (run seed, epoch, batch), so any epoch can be replayed exactly.
/// </summary>
public static class EpochLoop
{
    public static EpochMetrics Run(Classifier model, MomentumSgd optimizer, LabeledImages train, EpochPlan plan,
        IProgressSink progress, Action<int>? afterBatch = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int n = train.Count;
        int batches = (n + plan.BatchSize - 1) / plan.BatchSize;
        var order = Seeds.Permutation(n, Seeds.Derive(plan.RunSeed, plan.Epoch, 1));
        using var orderTensor = torch.tensor(order, device: train.Images.device);
        double lossSum = 0, advLossSum = 0;
        long correct = 0, advCorrect = 0, seen = 0;
        int steps = 0;
        for (int b = 0; b < batches; b++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                int start = b * plan.BatchSize, size = Math.Min(plan.BatchSize, n - start);
                var idx = orderTensor.narrow(0, start, size);
                var x = train.Images.index_select(0, idx);
                var y = train.Labels.index_select(0, idx);
                long attackSeed = Seeds.Derive(plan.RunSeed, plan.Epoch, b, 2);
                if (!plan.Adversarial || plan.Mode == AdversarialMode.Mixture)
                {
                    var (l, c) = Step(model, optimizer, x, y, plan, b);
                    lossSum += l * size; correct += c; steps++;
                }
                if (plan.Adversarial)
                {
                    var adv = Pgd.Attack(model, x, y, plan.Attack, attackSeed);
                    var (l, c) = Step(model, optimizer, adv, y, plan, b);
                    advLossSum += l * size; advCorrect += c; steps++;
                    if (plan.Mode == AdversarialMode.Pure) { lossSum += l * size; correct += c; }
                }
                seen += size;
            }
            afterBatch?.Invoke(b);
            progress.Report(plan.Task, b + 1, batches,
                $"epoch {plan.Epoch + 1} loss {lossSum / seen:F3} acc {(double)correct / seen:P1}" +
                (plan.Adversarial ? $" adv-loss {advLossSum / seen:F3} adv-acc {(double)advCorrect / seen:P1}" : ""));
        }
        return new EpochMetrics(plan.Epoch, plan.Adversarial, lossSum / n, (double)correct / n,
            plan.Adversarial ? advLossSum / n : null, plan.Adversarial ? (double)advCorrect / n : null, watch.Elapsed.TotalSeconds, steps);
    }

    private static (double Loss, long Correct) Step(Classifier model, MomentumSgd optimizer, Tensor x, Tensor y, EpochPlan plan, int batch)
    {
        var result = TrainingStep.Run(model, optimizer, x, y);
        if (result.Diverged)
            throw new TrainingDivergedException($"loss is {result.Loss} at epoch {plan.Epoch + 1}, batch {batch + 1} of {plan.Task}");
        return (result.Loss, result.Correct);
    }
}

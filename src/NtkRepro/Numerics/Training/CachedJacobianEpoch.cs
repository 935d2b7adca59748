using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Training;

/// <summary>
/// One benign epoch of a linearized/centered child on cached Jacobian rows: the epoch of
/// <see cref="EpochLoop"/> (same shuffled batches, loss, optimizer step on the child's θ,
/// metrics), with the tangent pass replaced by logits = J_B·(θ − θt) (+ f_t) and the gradient
/// J_Bᵀ·∂L/∂logits. θ stays the trained state, so checkpoints and resume are the tangent route's.
/// </summary>
public static class CachedJacobianEpoch
{
    public static EpochMetrics Run(ITaylorModel child, JacobianFeatures features, MomentumSgd optimizer, Tensor labels,
        EpochPlan plan, IProgressSink progress, Action<int>? afterBatch = null)
    {
        if (plan.Adversarial) throw new ArgumentException("cached Jacobian rows train benign epochs only: attacks need input gradients");
        int n = (int)labels.shape[0];
        if (features.Count != n) throw new ArgumentException($"{features.Count} samples of Jacobian rows for {n} labels");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int batches = (n + plan.BatchSize - 1) / plan.BatchSize;
        // The order of EpochLoop.Run: the route-equivalence tests pin it.
        var order = Seeds.Permutation(n, Seeds.Derive(plan.RunSeed, plan.Epoch, 1));
        using var orderTensor = torch.tensor(order, device: labels.device);
        var parent = child.Parent.ParameterList();
        // One thread: the step is memory-bound, and its many small parallel regions stall when
        // another process shares a core.
        using var oneThread = Devices.UseThreads(1);
        double lossSum = 0;
        long correct = 0, seen = 0;
        for (int b = 0; b < batches; b++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                int start = b * plan.BatchSize, size = Math.Min(plan.BatchSize, n - start);
                var idx = orderTensor.narrow(0, start, size);
                var y = labels.index_select(0, idx);
                optimizer.ZeroGrad();
                // δ = θ − θt exactly as the tangent pass forms its tangents.
                var delta = torch.cat(child.Trainable.Zip(parent, (t, p) => (t - p.detach()).flatten()).ToArray());
                var (logits, gradient) = LogitsAndGradient(child, features, delta.detach(), idx, y);
                var loss = F.cross_entropy(logits, y);
                double value = loss.ToDouble();
                if (!double.IsFinite(value))
                    throw new TrainingDivergedException($"loss is {value} at epoch {plan.Epoch + 1}, batch {b + 1} of {plan.Task}");
                (delta * gradient).sum().backward(); // hands ∂L/∂δ to the θ parameters, as loss.backward() would
                optimizer.Step();
                lossSum += value * size;
                correct += logits.argmax(1).eq(y).sum().item<long>();
                seen += size;
            }
            afterBatch?.Invoke(b);
            progress.Report(plan.Task, b + 1, batches, $"epoch {plan.Epoch + 1} loss {lossSum / seen:F3} acc {(double)correct / seen:P1}");
        }
        return new EpochMetrics(plan.Epoch, false, lossSum / n, (double)correct / n, null, null, watch.Elapsed.TotalSeconds, batches);
    }

    /// <summary>
    /// The batch's logits and ∂L/∂δ of its mean cross-entropy, Σ_i J_iᵀ(softmax(z_i) − e_{y_i})/B,
    /// chunk by chunk: each sample's gradient term needs only its own logits, so a chunk's rows
    /// serve both products while in cache and every row is read from memory once.
    /// </summary>
    private static (Tensor Logits, Tensor Gradient) LogitsAndGradient(ITaylorModel child, JacobianFeatures features, Tensor delta,
        Tensor indices, Tensor labels)
    {
        long size = indices.shape[0];
        var logits = torch.empty([size, child.Parent.Spec.Classes], dtype: delta.dtype, device: delta.device);
        var gradient = torch.zeros_like(delta);
        for (long start = 0; start < size; start += features.ChunkSamples)
        {
            long count = Math.Min(features.ChunkSamples, size - start);
            var chunk = indices.narrow(0, start, count);
            var rows = features.Rows(chunk);
            var flat = rows.view(count * rows.shape[1], rows.shape[2]);
            var z = child.Logits(features.Outputs(chunk), flat.mv(delta).view(count, rows.shape[1]));
            logits.narrow(0, start, count).copy_(z);
            var dz = (F.softmax(z, 1) - F.one_hot(labels.narrow(0, start, count), rows.shape[1]).to(z.dtype)).div_(size);
            gradient.addmv_(flat.t(), dz.flatten());
        }
        return (logits, gradient);
    }
}

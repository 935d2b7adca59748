using NtkRepro.Numerics.Linearization;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Training;

/// <summary>The loss and correct predictions of one step's batch (loss not finite: the step did not update).</summary>
public readonly record struct StepResult(double Loss, long Correct)
{
    public bool Diverged => !double.IsFinite(Loss);
}

/// <summary>One optimisation step on a batch, as every training epoch (and the step benchmark) runs it.</summary>
public static class TrainingStep
{
    /// <summary>
    /// Forward pass in training mode, mean cross-entropy, backward pass and an optimizer step;
    /// a batch whose loss is NaN or infinite leaves the parameters untouched.
    /// </summary>
    public static StepResult Run(Classifier model, MomentumSgd optimizer, Tensor x, Tensor y)
    {
        model.SetTraining(true);
        optimizer.ZeroGrad();
        var logits = model.forward(x);
        var loss = F.cross_entropy(logits, y);
        double value = loss.item<float>();
        if (!double.IsFinite(value)) return new StepResult(value, 0);
        loss.backward();
        optimizer.Step();
        long correct = logits.argmax(1).eq(y).sum().item<long>();
        return new StepResult(value, correct);
    }
}

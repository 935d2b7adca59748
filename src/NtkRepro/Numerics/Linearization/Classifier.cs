using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Linearization;

/// <summary>
/// What attacks, training, evaluation and kernels take: logits differentiable w.r.t. the
/// trainable parameters and the input, whatever the dynamics.
/// </summary>
public abstract class Classifier : nn.Module<Tensor, Tensor>
{
    protected Classifier(string name) : base(name) { }

    protected override void RegisterComponents() { } // registration is explicit, see NtkModel

    public abstract Dynamics Dynamics { get; }

    /// <summary>The parameters an optimizer updates.</summary>
    public abstract IReadOnlyList<Parameter> Trainable { get; }

    /// <summary>
    /// Training mode for the next forward passes, the classifier's one switch. Only standard
    /// dynamics have a training mode (BN batch statistics); the linear dynamics always use the
    /// parent's frozen statistics.
    /// </summary>
    public abstract void SetTraining(bool training);

    /// <summary>TorchSharp's own switch goes through <see cref="SetTraining"/>, so nobody can unfreeze a parent's BN by calling it.</summary>
    public sealed override void train(bool train = true) => SetTraining(train);

    public sealed override void eval() => SetTraining(false);

    /// <summary>Whether forward passes use training-mode BN (batch statistics, updated running ones).</summary>
    public abstract bool IsTraining { get; }

    /// <summary>The module whose state is a checkpoint of this classifier.</summary>
    public abstract nn.Module CheckpointModule { get; }

    /// <summary>The child as a first-order Taylor model of its parent, or null when it is not one.</summary>
    public virtual ITaylorModel? Taylor => null;
}

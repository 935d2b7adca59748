using NtkRepro.Numerics.Linearization;

namespace NtkRepro.Numerics.Training;

/// <summary>How a stage-2 child computes its training steps. Both routes follow the same trajectory.</summary>
public enum TrainingRoute
{
    /// <summary>Resolved when the run starts: <see cref="TrainingRoutes.Resolve"/>.</summary>
    Auto,

    /// <summary>Every step runs the classifier's forward and backward pass (tangent propagation for linearized/centered children).</summary>
    ForwardPass,

    /// <summary>
    /// For benign linearized/centered children, which are linear models in the parent's Jacobian
    /// rows J(x): the rows of the training set are computed once, then each step is two matrix
    /// products, logits = J_B·δ (+ f_t) and the gradient J_Bᵀ·∂L/∂logits.
    /// </summary>
    CachedJacobian,
}

public static class TrainingRoutes
{
    /// <summary>
    /// Jacobian rows above this size are not worth caching even on disk (an epoch would stream
    /// them all): 16 GiB holds the mini preset's 6.7 GB twice over, while ResNet-18 on CIFAR-10
    /// (terabytes) keeps the forward pass. A constant, so the route depends on the configuration only.
    /// </summary>
    public const long MaxCachedJacobianBytes = 16L << 30;

    public static bool CanCache(Dynamics dynamics, bool adversarial) => dynamics.Kind().LinearInParameters && !adversarial;

    /// <summary>
    /// Computing the rows costs as much as many forward-pass epochs of the child (`bench stage2`
    /// times both routes), and the linearized and centered siblings share them: below this many
    /// epochs per child the forward pass is the faster route. A constant, so the route depends on
    /// the configuration only, never on the machine it runs on.
    /// </summary>
    public const int MinCachedJacobianEpochs = 20;

    /// <summary>
    /// The route a child trains by: a requested route as it is (refused where it cannot work); Auto
    /// is the cached Jacobian for benign linearized/centered children that train at least
    /// <see cref="MinCachedJacobianEpochs"/> epochs and whose rows fit
    /// <see cref="MaxCachedJacobianBytes"/>, the forward pass otherwise.
    /// </summary>
    public static TrainingRoute Resolve(TrainingRoute requested, Dynamics dynamics, bool adversarial, long jacobianBytes, int epochs)
    {
        Check(requested, dynamics, adversarial);
        if (requested != TrainingRoute.Auto) return requested;
        return CanCache(dynamics, adversarial) && jacobianBytes <= MaxCachedJacobianBytes && epochs >= MinCachedJacobianEpochs
            ? TrainingRoute.CachedJacobian : TrainingRoute.ForwardPass;
    }

    /// <summary>Refuses the cached-Jacobian route where it cannot work.</summary>
    public static void Check(TrainingRoute requested, Dynamics dynamics, bool adversarial)
    {
        if (requested == TrainingRoute.CachedJacobian && !CanCache(dynamics, adversarial))
            throw new ArgumentException(
                $"the cached-Jacobian route trains benign children that are linear in their parameters only (this child: {dynamics.Name()}" +
                $"{(adversarial ? ", adversarial: its attacks need input gradients through the network" : "")})");
    }
}

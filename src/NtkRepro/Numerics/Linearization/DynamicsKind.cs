using NtkRepro.Numerics.Models;

namespace NtkRepro.Numerics.Linearization;

/// <summary>
/// What one of the paper's dynamics means to the code that builds, trains, costs and reports a
/// child: everything that differs between dynamics is here, so a new one is its enum value and
/// its strategy below.
/// </summary>
public abstract class DynamicsKind
{
    private protected DynamicsKind(Dynamics dynamics) => Dynamics = dynamics;

    public Dynamics Dynamics { get; }

    /// <summary>The name keys, folders and reports use: standard, linearized, centered.</summary>
    public string Name => Dynamics.ToString().ToLowerInvariant();

    /// <summary>The child at θ = θt around <paramref name="parent"/>, which it takes over (and disposes).</summary>
    /// <param name="looseBatchNorm">The child's BatchNorm trains on batch statistics, updating them (the authors' --loose_bn_second); by default it keeps the parent's.</param>
    public abstract Classifier CreateChild(NtkModel parent, JvpRoute route, bool looseBatchNorm = false);

    /// <summary>Forward-and-backward passes of the network per image and step: a JVP costs about one more.</summary>
    public abstract double PassesPerImage { get; }

    /// <summary>The child is linear in θ − θt through per-image Jacobian rows, which benign training can compute once and cache.</summary>
    public abstract bool LinearInParameters { get; }

    /// <summary>The child's logits include the parent's output f0 besides the first-order term J·(θ − θt).</summary>
    public abstract bool IncludesParentOutput { get; }

    /// <summary>‖Δf‖²/‖f0‖², the first-order term against the parent's output, is one of the child's figures (C14).</summary>
    public bool HasFirstOrderRatio => LinearInParameters && IncludesParentOutput;

    public static DynamicsKind Of(Dynamics dynamics) => dynamics switch
    {
        Dynamics.Standard => Standard,
        Dynamics.Linearized => Linearized,
        Dynamics.Centered => Centered,
        _ => throw new ArgumentOutOfRangeException(nameof(dynamics), dynamics, "unknown dynamics"),
    };

    /// <summary>Every dynamics, in the enum's order.</summary>
    public static IReadOnlyList<Dynamics> All => Enum.GetValues<Dynamics>();

    private static readonly DynamicsKind Standard = new StandardDynamics();
    private static readonly DynamicsKind Linearized = new TaylorDynamics(Dynamics.Linearized, includesParentOutput: true);
    private static readonly DynamicsKind Centered = new TaylorDynamics(Dynamics.Centered, includesParentOutput: false);

    private sealed class StandardDynamics() : DynamicsKind(Dynamics.Standard)
    {
        public override Classifier CreateChild(NtkModel parent, JvpRoute route, bool looseBatchNorm = false) =>
            new StandardClassifier(parent, frozenBatchNorm: !looseBatchNorm);
        public override double PassesPerImage => 1;
        public override bool LinearInParameters => false;
        public override bool IncludesParentOutput => false;
    }

    /// <summary>The first-order Taylor model around the parent, with (linearized) or without (centered) f0.</summary>
    private sealed class TaylorDynamics(Dynamics dynamics, bool includesParentOutput) : DynamicsKind(dynamics)
    {
        public override Classifier CreateChild(NtkModel parent, JvpRoute route, bool looseBatchNorm = false)
        {
            using (parent)
            {
                if (looseBatchNorm) throw new ArgumentException($"{Name} children keep the parent's BatchNorm statistics: loose BatchNorm is for standard children");
                return new LinearizedClassifier(parent, Dynamics, route);
            }
        }

        public override double PassesPerImage => 2;
        public override bool LinearInParameters => true;
        public override bool IncludesParentOutput => includesParentOutput;
    }
}

public static class DynamicsExtensions
{
    public static DynamicsKind Kind(this Dynamics dynamics) => DynamicsKind.Of(dynamics);

    /// <summary>standard, linearized, centered.</summary>
    public static string Name(this Dynamics dynamics) => DynamicsKind.Of(dynamics).Name;
}

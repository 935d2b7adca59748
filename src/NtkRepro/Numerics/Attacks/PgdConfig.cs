namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// L∞ PGD as in the authors' code: untargeted, mean softmax cross-entropy, one uniform random
/// start in the ε-ball, x ← Π_ε(clip_[0,1](x + α·sign ∇ₓL)), BN in eval mode.
/// </summary>
public sealed record PgdConfig(double Epsilon, int Steps, double StepSize)
{
    public const double DefaultEpsilon = 4.0 / 255.0;

    /// <summary>Training attack: 20 steps of ε/10.</summary>
    public static PgdConfig Training(double epsilon = DefaultEpsilon, int steps = 20) => new(epsilon, steps, epsilon / 10);

    /// <summary>Evaluation attack: 100 steps of ε/50.</summary>
    public static PgdConfig Evaluation(double epsilon = DefaultEpsilon, int steps = 100) => new(epsilon, steps, epsilon / 50);

    public void Validate()
    {
        if (!(Epsilon > 0 && Epsilon < 1)) throw new ArgumentException($"PGD epsilon {Epsilon}: must lie in (0, 1)");
        if (Steps < 1) throw new ArgumentException($"PGD steps {Steps}: must be at least 1");
        if (!(StepSize > 0)) throw new ArgumentException($"PGD step size {StepSize}: must be positive");
    }

    public override string ToString() => $"PGD-{Steps} ε={Epsilon * 255:0.##}/255 α={StepSize * 255:0.###}/255";
}

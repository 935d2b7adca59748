namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// What <see cref="AttackSuite"/> runs. The white-box suite at <see cref="Epsilon"/>:
/// <see cref="PgdRestarts"/> PGD attacks of <see cref="PgdSteps"/> steps from different random
/// starts, and APGD-CE with <see cref="ApgdIterations"/> iterations and <see cref="ApgdRestarts"/>
/// restarts. The ε sweep: one PGD of <see cref="SweepSteps"/> steps at each of
/// <see cref="SweepRadii"/> (ascending). Every PGD here steps 2.5ε/steps, so that its path is
/// long enough to cross the ball from any start (Madry et al.'s rule). Only the first
/// <see cref="Subset"/> test images are attacked (null: all), because at CPU scale the suite
/// cannot afford every image of every figure.
/// </summary>
/// <param name="MaxAccuracyAtLargestRadius">
/// The sweep check's bound, fixed before any result: a classifier whose gradient is informative
/// is broken on (nearly) every image at the largest radius (32/255 by default, eight times the
/// paper's ε); more than this accuracy there says the attack cannot find what is there.
/// </param>
/// <param name="BatchSize">Images per attack batch; the random starts depend on it (seeds are derived per batch).</param>
public sealed record MaskingConfig(
    double Epsilon = PgdConfig.DefaultEpsilon,
    int? Subset = 100,
    int PgdSteps = 20,
    int PgdRestarts = 2,
    int ApgdIterations = 50,
    int ApgdRestarts = 1,
    IReadOnlyList<double>? SweepRadii = null,
    int SweepSteps = 10,
    double MaxAccuracyAtLargestRadius = 0.05,
    int BatchSize = 100)
{
    /// <summary>1, 2, 4, 8, 16 and 32 /255.</summary>
    public static readonly IReadOnlyList<double> DefaultSweepRadii = [1 / 255.0, 2 / 255.0, 4 / 255.0, 8 / 255.0, 16 / 255.0, 32 / 255.0];

    /// <summary>The sweep radii, ascending: <see cref="DefaultSweepRadii"/> unless given.</summary>
    public IReadOnlyList<double> Radii => SweepRadii ?? DefaultSweepRadii;

    /// <summary>The white-box PGD (also the transfer attack on the source).</summary>
    public PgdConfig Pgd => PgdAt(Epsilon, PgdSteps);

    public ApgdConfig Apgd => new(Epsilon, ApgdIterations, ApgdRestarts);

    /// <summary>The sweep's attack at one radius.</summary>
    public PgdConfig SweepAttack(double radius) => PgdAt(radius, SweepSteps);

    /// <summary>PGD with steps of 2.5ε/steps.</summary>
    public static PgdConfig PgdAt(double epsilon, int steps) => new(epsilon, steps, 2.5 * epsilon / steps);

    public void Validate()
    {
        if (!(Epsilon > 0 && Epsilon < 1)) throw new ArgumentException($"masking suite epsilon {Epsilon}: must lie in (0, 1)");
        if (Subset is < 1) throw new ArgumentException($"masking suite subset {Subset}: must be at least 1 image (null for all)");
        if (PgdSteps < 1) throw new ArgumentException($"masking suite PGD steps {PgdSteps}: must be at least 1");
        if (PgdRestarts < 1) throw new ArgumentException($"masking suite PGD restarts {PgdRestarts}: must be at least 1");
        if (ApgdIterations < 1) throw new ArgumentException($"masking suite APGD iterations {ApgdIterations}: must be at least 1");
        if (ApgdRestarts < 1) throw new ArgumentException($"masking suite APGD restarts {ApgdRestarts}: must be at least 1");
        if (SweepSteps < 1) throw new ArgumentException($"masking suite sweep steps {SweepSteps}: must be at least 1");
        if (BatchSize < 1) throw new ArgumentException($"masking suite batch size {BatchSize}: must be at least 1");
        if (!(MaxAccuracyAtLargestRadius >= 0 && MaxAccuracyAtLargestRadius <= 1))
            throw new ArgumentException($"masking suite max accuracy at the largest radius {MaxAccuracyAtLargestRadius}: must lie in [0, 1]");
        var radii = Radii;
        if (radii.Count == 0) throw new ArgumentException("masking suite sweep radii: none given");
        foreach (var r in radii)
            if (!(r > 0 && r < 1)) throw new ArgumentException($"masking suite sweep radius {r}: must lie in (0, 1)");
        for (int i = 1; i < radii.Count; i++)
            if (!(radii[i] > radii[i - 1]))
                throw new ArgumentException($"masking suite sweep radii: {radii[i]} after {radii[i - 1]}, must be strictly ascending");
    }
}

namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// APGD-CE (Croce &amp; Hein 2020, AutoAttack's first attack), L∞: the number of iterations per
/// restart and the number of restarts. There is no step size to choose: the attack starts at 2ε
/// and halves it per image on its own schedule (<see cref="ApgdSchedule"/>); momentum
/// <see cref="Momentum"/> and the success threshold <see cref="Rho"/> are the paper's constants.
/// </summary>
public sealed record ApgdConfig(double Epsilon, int Iterations = 100, int Restarts = 1)
{
    /// <summary>Weight α of the new step against the previous move: x ← x + α(z − x) + (1 − α)(x − x_prev).</summary>
    public const double Momentum = 0.75;

    /// <summary>The step is halved at a checkpoint when fewer than ρ of the steps since the last one increased the loss.</summary>
    public const double Rho = 0.75;

    /// <summary>The first step size, in units of ε.</summary>
    public const double InitialStepOverEpsilon = 2.0;

    public void Validate()
    {
        if (!(Epsilon > 0 && Epsilon < 1)) throw new ArgumentException($"APGD epsilon {Epsilon}: must lie in (0, 1)");
        if (Iterations < 1) throw new ArgumentException($"APGD iterations {Iterations}: must be at least 1");
        if (Restarts < 1) throw new ArgumentException($"APGD restarts {Restarts}: must be at least 1");
    }

    public override string ToString() =>
        $"APGD-CE-{Iterations}{(Restarts > 1 ? $" ×{Restarts}" : "")} ε={Epsilon * 255:0.##}/255";
}

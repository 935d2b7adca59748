namespace NtkRepro.Numerics.Statistics;

/// <summary>
/// A measured quantity with its uncertainty: the mean over replicates, its standard error, the
/// degrees of freedom of that error (Student t), and the per-replicate values it came from.
/// </summary>
public sealed record Estimate(double Mean, double StandardError, double DegreesOfFreedom, IReadOnlyList<double> PerReplicate)
{
    public int Replicates => PerReplicate.Count;

    /// <summary>Whether an interval can be formed: a spread was measured (two replicates or more, or a test-set error).</summary>
    public bool HasUncertainty => DegreesOfFreedom > 0 && double.IsFinite(StandardError);

    /// <summary>The lower end of the one-sided interval at the level (e.g. 0.95): the quantity exceeds it with that confidence.</summary>
    public double Lower(double level) => HasUncertainty ? Mean - StudentT.Quantile(level, DegreesOfFreedom) * StandardError : double.NegativeInfinity;

    public double Upper(double level) => HasUncertainty ? Mean + StudentT.Quantile(level, DegreesOfFreedom) * StandardError : double.PositiveInfinity;

    /// <summary>Mean and standard error of independent replicate values (t with n − 1 degrees of freedom).</summary>
    public static Estimate FromReplicates(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("an estimate needs at least one value");
        double mean = values.Average();
        if (values.Count == 1) return new Estimate(mean, double.NaN, 0, values);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return new Estimate(mean, Math.Sqrt(variance / values.Count), values.Count - 1, values);
    }

    /// <summary>
    /// The difference a − b of two independent groups (Welch): SE² = SE_a² + SE_b², degrees of
    /// freedom by Welch–Satterthwaite. Per-replicate values are paired by index where both exist.
    /// </summary>
    public static Estimate Difference(Estimate a, Estimate b)
    {
        double va = a.StandardError * a.StandardError, vb = b.StandardError * b.StandardError;
        var perReplicate = a.PerReplicate.Zip(b.PerReplicate, (x, y) => x - y).ToList();
        if (!a.HasUncertainty || !b.HasUncertainty) return new Estimate(a.Mean - b.Mean, double.NaN, 0, perReplicate);
        double dof = (va + vb) * (va + vb) / (va * va / a.DegreesOfFreedom + vb * vb / b.DegreesOfFreedom);
        return new Estimate(a.Mean - b.Mean, Math.Sqrt(va + vb), dof, perReplicate);
    }

    /// <summary>
    /// a / b − 1 for two independent groups, its standard error by the delta method:
    /// Var ≈ SE_a² / b² + a² SE_b² / b⁴ (the denominator's uncertainty counts), degrees of freedom
    /// by Welch–Satterthwaite over the two terms. Per-replicate values are a's over b's mean.
    /// </summary>
    public static Estimate RelativeDifference(Estimate a, Estimate b)
    {
        if (b.Mean == 0) throw new ArgumentException("a relative difference needs a denominator other than 0");
        var perReplicate = a.PerReplicate.Select(x => x / b.Mean - 1).ToList();
        double mean = a.Mean / b.Mean - 1;
        if (!a.HasUncertainty || !b.HasUncertainty) return new Estimate(mean, double.NaN, 0, perReplicate);
        double va = a.StandardError * a.StandardError / (b.Mean * b.Mean);
        double vb = a.Mean * a.Mean * b.StandardError * b.StandardError / Math.Pow(b.Mean, 4);
        double total = va + vb;
        double dof = total == 0 ? Math.Min(a.DegreesOfFreedom, b.DegreesOfFreedom) : total * total / (va * va / a.DegreesOfFreedom + vb * vb / b.DegreesOfFreedom);
        return new Estimate(mean, Math.Sqrt(total), dof, perReplicate);
    }

    /// <summary>This estimate divided by a positive constant (a unit change); the uncertainty scales with it.</summary>
    public Estimate Scaled(double factor) =>
        this with { Mean = Mean * factor, StandardError = StandardError * Math.Abs(factor), PerReplicate = PerReplicate.Select(v => v * factor).ToList() };
}

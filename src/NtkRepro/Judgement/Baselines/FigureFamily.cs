namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// Figures that share a noise structure and are read together: every accuracy of one variant
/// measured the same way (clean, robust, worst case over the masking suite), one kernel curve
/// (a metric of one schedule over the checkpoints), the cross-run kernel distances, the children's
/// losses or first-order ratios, one claim's statistics. A family's variance follows a known
/// shape (<see cref="Weight"/>), so its figures pool their replicate spread; its omnibus test
/// catches a shift shared by many figures that is small for each.
/// </summary>
public sealed record FigureFamily(string Key, FigureKind Kind)
{
    public static FigureFamily Of(Figure f)
    {
        var parts = f.Name.Split('.');
        string variant = parts[0];
        string key = f.Kind switch
        {
            FigureKind.Accuracy => $"{variant} accuracies ({parts[^1]})",
            FigureKind.Statistic => $"{variant} {string.Join('.', parts.Skip(1).Take(2))} statistics",
            _ when f.Name.Contains(".kernel@", StringComparison.Ordinal) =>
                $"{variant} {Schedule(parts)} {parts[^1]} curve",
            _ when f.Name.Contains(".velocity@", StringComparison.Ordinal) => $"{variant} {Schedule(parts)} velocity curve",
            _ when f.Name.Contains(".kernels.", StringComparison.Ordinal) => $"{variant} cross-run kernel distances",
            _ => $"{variant} {parts[^1]}",
        };
        return new FigureFamily(key, f.Kind);
    }

    private static string Schedule(string[] parts) => parts.Length > 2 ? parts[2] : "";

    /// <summary>
    /// A cross-run distance's replicate values share runs: replicate i's is its mean distance to
    /// the other runs, so each pair of runs enters two values, and their spread understates the
    /// mean's. The delete-one jackknife of a mean over pairs is 2(n − 1)/(n − 2) times that spread's
    /// standard error; with two runs a within-schedule figure has one pair and no spread at all.
    /// </summary>
    public static bool SharesRuns(Figure f) => f.Name.Contains(".kernels.", StringComparison.Ordinal);

    /// <summary>What a figure's replicate standard deviation is multiplied by to give its noise: 1, or the pairs' jackknife factor; NaN where it cannot be measured.</summary>
    public static double Inflation(Figure f)
    {
        int n = f.PerReplicate.Count;
        return !SharesRuns(f) ? 1 : n >= 3 ? 2.0 * (n - 1) / (n - 2) : double.NaN;
    }

    /// <summary>
    /// The shape of a figure's replicate variance within its family: p(1 − p) for an accuracy
    /// (a binomial-like disagreement between models; p kept off 0 and 1), the squared mean for
    /// kernel figures, ranks and losses (a relative spread), 1 for a claim's statistics.
    /// </summary>
    public static double Weight(FigureKind kind, double mean) => kind switch
    {
        FigureKind.Accuracy => Math.Max(Math.Clamp(mean, 0, 1) * (1 - Math.Clamp(mean, 0, 1)), 0.01 * 0.99),
        FigureKind.Statistic => 1,
        _ => mean * mean,
    };

    /// <summary>Whether the kind's spread (and a typical change) is relative to its size.</summary>
    public static bool IsRelative(FigureKind kind) => kind is not (FigureKind.Accuracy or FigureKind.Statistic);
}

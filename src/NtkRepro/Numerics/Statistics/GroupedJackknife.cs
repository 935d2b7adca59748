namespace NtkRepro.Numerics.Statistics;

/// <summary>
/// The delete-one jackknife of a statistic of several independent groups of objects (e.g. runs of
/// different schedules that share reference kernels). Each group is a sample of its own, so its
/// objects are left out in turn and the groups' contributions add:
/// SE² = Σ_g V_g, V_g = (n_g − 1)/n_g · Σ_j (θ₍g,j₎ − θ̄_g)², θ̄_g the mean of group g's
/// leave-one-out values. One delete-one formula over all objects would treat the groups as one
/// sample of m objects: its (m − 1)/m factor and common mean overstate the error of a statistic
/// whose groups play different roles. Degrees of freedom by Welch–Satterthwaite over the V_g (each
/// with n_g − 1): simulated on kernels of one distribution (benign, AT and switch groups of 3 or 4
/// runs) it keeps the false support nearer the nominal 5% than the smallest group's n_g − 1, which
/// it never falls below. Like every delete-one jackknife it still overstates the variance of a
/// statistic's second-order parts (Efron–Stein), so a statistic whose first-order parts cancel
/// under its null is tested conservatively.
/// </summary>
public static class GroupedJackknife
{
    /// <param name="leftOut">Per group, the statistic recomputed with each of its objects left out in turn.</param>
    /// <returns>NaN and 0 when a group has fewer than two objects (no spread to measure).</returns>
    public static (double StandardError, double DegreesOfFreedom) Of(IReadOnlyList<IReadOnlyList<double>> leftOut)
    {
        if (leftOut.Count == 0 || leftOut.Any(g => g.Count < 2)) return (double.NaN, 0);
        var terms = leftOut.Select(g =>
        {
            double mean = g.Average();
            return (Variance: (g.Count - 1.0) / g.Count * g.Sum(x => (x - mean) * (x - mean)), Dof: g.Count - 1.0);
        }).ToList();
        double variance = terms.Sum(t => t.Variance);
        double smallest = terms.Min(t => t.Dof);
        double dof = variance > 0 ? variance * variance / terms.Sum(t => t.Variance * t.Variance / t.Dof) : smallest;
        return (Math.Sqrt(variance), Math.Max(smallest, dof));
    }
}

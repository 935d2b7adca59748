namespace NtkRepro.Numerics.Statistics;

/// <summary>
/// The spread-corrected distance between two groups of unit-norm kernels, mean S(a, b) − ½(W_A + W_B)
/// with S = 1 − cos = ½‖a − b‖² and W a group's mean pairwise S, equals ½‖Ā − B̄‖² less ½ tr(Σ̂_g)/n_g
/// for each group: the unbiased estimate of ½‖μ_A − μ_B‖² (Chen and Qin 2010, halved). Where the two
/// means agree its first-order parts cancel and only second-order parts (pairs of kernels) are left.
/// The delete-one jackknife overstates their variance (Efron–Stein): a group's own pairs by
/// f_g = 2(n_g − 1)/(n_g − 2), the pairs across the groups by 2. Those variances are tr(Σ_A²)/(2n_A(n_A − 1)),
/// the same for B, and tr(Σ_A Σ_B)/(n_A n_B); their traces have unbiased estimates from the kernels' inner
/// products, so the excess can be taken out of the jackknife's variance, while the first-order parts, which
/// the jackknife measures without that excess, stay as they are. tr(Σ²) needs four kernels of a group (an
/// unbiased estimate of a fourth moment about an unknown mean does not exist from three); a smaller group's
/// own pairs keep the jackknife's excess, which is conservative.
/// </summary>
public static class SpreadCorrectedDistance
{
    /// <summary>Second-order variance parts: a group's own pairs (null when the group is too small to estimate it), and the pairs across.</summary>
    public sealed record SecondOrder(double? WithinA, double? WithinB, double Across);

    /// <summary>The smallest group whose own pairs' variance has an unbiased estimate.</summary>
    public const int SmallestGroupForOwnPairs = 4;

    /// <param name="a">Inner products (1 − S) of group A's kernels, n_A × n_A.</param>
    /// <param name="b">Inner products of group B's kernels, n_B × n_B.</param>
    /// <param name="ab">Inner products between them, n_A × n_B.</param>
    public static SecondOrder Variance(double[,] a, double[,] b, double[,] ab)
    {
        int na = a.GetLength(0), nb = b.GetLength(0);
        if (na < 3 || nb < 3) throw new ArgumentException($"the second-order variance needs 3 kernels in each group (got {na} and {nb})");
        if (ab.GetLength(0) != na || ab.GetLength(1) != nb) throw new ArgumentException("the cross inner products must be n_A × n_B");
        double? Own(double[,] g, int n) => n >= SmallestGroupForOwnPairs ? TraceOfSquare(g) / (2.0 * n * (n - 1)) : null;
        return new SecondOrder(Own(a, na), Own(b, nb), TraceOfProduct(ab) / ((double)na * nb));
    }

    /// <summary>
    /// The jackknife's variance less its excess over the second-order parts it knows; never below the jackknife's
    /// divided by the largest overstatement factor (the least the true variance can be, were it all second order).
    /// </summary>
    public static double CorrectedVariance(double jackknifeVariance, SecondOrder parts, int na, int nb)
    {
        double fa = Overstatement(na), fb = Overstatement(nb);
        double corrected = jackknifeVariance - (fa - 1) * (parts.WithinA ?? 0) - (fb - 1) * (parts.WithinB ?? 0) - parts.Across;
        return Math.Max(corrected, jackknifeVariance / Math.Max(2, Math.Max(fa, fb)));
    }

    /// <summary>How many times the delete-one jackknife overstates the variance of a group's own second-order part.</summary>
    public static double Overstatement(int n) =>
        n >= 3 ? 2.0 * (n - 1) / (n - 2) : throw new ArgumentException($"a group of {n} has no second-order part to correct");

    /// <summary>
    /// tr(Σ²) without bias: with G the inner products and M = E[x xᵀ] = Σ + μμᵀ, E[G_ij²] = tr(M²),
    /// E[G_ij G_ik] = μᵀMμ and E[G_ij G_kl] = ‖μ‖⁴ over distinct indices, and tr(Σ²) = tr(M²) − 2μᵀMμ + ‖μ‖⁴.
    /// </summary>
    private static double TraceOfSquare(double[,] g)
    {
        int n = g.GetLength(0);
        double pairs = 0, triples = 0, quadruples = 0;
        long nPairs = 0, nTriples = 0, nQuadruples = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                pairs += g[i, j] * g[i, j]; nPairs++;
                for (int k = 0; k < n; k++)
                {
                    if (k == i || k == j) continue;
                    triples += g[i, j] * g[i, k]; nTriples++;
                    for (int l = 0; l < n; l++)
                    {
                        if (l == i || l == j || l == k) continue;
                        quadruples += g[i, j] * g[k, l]; nQuadruples++;
                    }
                }
            }
        return pairs / nPairs - 2 * triples / nTriples + quadruples / nQuadruples;
    }

    /// <summary>tr(Σ_A Σ_B) without bias (Chen and Qin): mean over l, k of ((a_l − ā₋ₗ)·b_k)((b_k − b̄₋ₖ)·a_l).</summary>
    private static double TraceOfProduct(double[,] ab)
    {
        int na = ab.GetLength(0), nb = ab.GetLength(1);
        var rowSums = new double[na];
        var columnSums = new double[nb];
        for (int l = 0; l < na; l++)
            for (int k = 0; k < nb; k++) { rowSums[l] += ab[l, k]; columnSums[k] += ab[l, k]; }
        double sum = 0;
        for (int l = 0; l < na; l++)
            for (int k = 0; k < nb; k++)
                sum += (ab[l, k] - (columnSums[k] - ab[l, k]) / (na - 1)) * (ab[l, k] - (rowSums[l] - ab[l, k]) / (nb - 1));
        return sum / ((double)na * nb);
    }
}

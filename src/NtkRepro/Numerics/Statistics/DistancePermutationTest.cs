namespace NtkRepro.Numerics.Statistics;

/// <summary>
/// Do two groups of objects (e.g. final kernels of benign and of adversarial runs) differ more
/// than objects within a group do? Given all pairwise distances, the statistic is
/// mean distance between groups − mean distance within groups (the average of the two groups'
/// within means); its one-sided p-value counts the relabellings of the pooled objects into
/// groups of the same sizes whose statistic is at least the observed one. Exact when the
/// relabellings are few (the count over all of them, the observed one among them), otherwise a
/// seeded random sample of them, with p = (1 + count) / (1 + samples): the observed labelling
/// counts as one of the sample, so p is never 0 and stays valid (Phipson and Smyth 2010).
/// Assumes only exchangeability.
/// With n objects per group the smallest attainable p is 2 / C(2n, n) (a labelling and its swap
/// give the same statistic): 0.1 for n = 3, 0.029 for n = 4, 0.008 for n = 5.
/// The statistic's own spread (for comparing it between runs, not for the decision) is the
/// delete-one jackknife over the objects: SE² = (n−1)/n · Σ(θ₍ᵢ₎ − θ̄)², with n − 2 degrees of
/// freedom (two group means are estimated); it needs three objects per group, so that a group keeps
/// a within pair when one is left out.
/// </summary>
public static class DistancePermutationTest
{
    public sealed record Result(double Statistic, double Between, double Within, double PValue, double SmallestAttainableP, int Labellings,
        double JackknifeStandardError, double JackknifeDegreesOfFreedom);

    public static Result Run(double[,] distances, int firstGroupSize, int samples = 20000, int seed = 0)
    {
        int n = distances.GetLength(0);
        if (distances.GetLength(1) != n) throw new ArgumentException("distances must be square");
        if (firstGroupSize < 2 || n - firstGroupSize < 2) throw new ArgumentException($"each group needs at least two objects (got {firstGroupSize} and {n - firstGroupSize})");
        var observed = Enumerable.Range(0, n).Select(i => i < firstGroupSize).ToArray();
        var (stat, between, within) = Statistic(distances, observed);
        var labellings = Labellings(n, firstGroupSize, samples, seed).ToList();
        int atLeast = labellings.Count(l => Statistic(distances, l).Stat >= stat - 1e-12 * Math.Abs(stat));
        double exactCount = LabelPermutation.Binomial(n, firstGroupSize);
        bool exact = exactCount <= samples;
        double smallest = SmallestP(n, firstGroupSize);
        var (se, dof) = Jackknife(distances, observed);
        return new Result(stat, between, within,
            exact ? (double)atLeast / labellings.Count : (1.0 + atLeast) / (1.0 + labellings.Count),
            exact ? smallest : Math.Max(smallest, 1.0 / (1.0 + labellings.Count)), labellings.Count, se, dof);
    }

    /// <summary>The smallest p any labelling of <paramref name="n"/> objects into groups of <paramref name="firstGroupSize"/> and the rest can give (exact test).</summary>
    public static double SmallestP(int n, int firstGroupSize) => (firstGroupSize * 2 == n ? 2.0 : 1.0) / LabelPermutation.Binomial(n, firstGroupSize);

    /// <summary>Delete-one jackknife standard error of the statistic and its degrees of freedom; NaN and 0 when a group has fewer than three objects.</summary>
    public static (double StandardError, double DegreesOfFreedom) Jackknife(double[,] distances, bool[] inFirst)
    {
        int n = inFirst.Length, first = inFirst.Count(x => x);
        if (first < 3 || n - first < 3) return (double.NaN, 0);
        var leftOut = new double[n];
        for (int k = 0; k < n; k++)
        {
            var keep = Enumerable.Range(0, n).Where(i => i != k).ToArray();
            var d = new double[n - 1, n - 1];
            for (int i = 0; i < keep.Length; i++)
                for (int j = 0; j < keep.Length; j++)
                    d[i, j] = distances[keep[i], keep[j]];
            leftOut[k] = Statistic(d, keep.Select(i => inFirst[i]).ToArray()).Stat;
        }
        double mean = leftOut.Average();
        double variance = (n - 1.0) / n * leftOut.Sum(x => (x - mean) * (x - mean));
        return (Math.Sqrt(variance), n - 2);
    }

    private static (double Stat, double Between, double Within) Statistic(double[,] d, bool[] inFirst)
    {
        double between = 0, withinA = 0, withinB = 0;
        int nb = 0, na = 0, nB = 0;
        int n = inFirst.Length;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                if (inFirst[i] != inFirst[j]) { between += d[i, j]; nb++; }
                else if (inFirst[i]) { withinA += d[i, j]; na++; }
                else { withinB += d[i, j]; nB++; }
            }
        double within = (withinA / na + withinB / nB) / 2;
        return (between / nb - within, between / nb, within);
    }

    private static IEnumerable<bool[]> Labellings(int n, int k, int samples, int seed)
    {
        if (LabelPermutation.Binomial(n, k) <= samples)
        {
            foreach (var combo in LabelPermutation.Combinations(n, k))
            {
                var l = new bool[n];
                foreach (var i in combo) l[i] = true;
                yield return l;
            }
            yield break;
        }
        var random = new Random(seed);
        for (int s = 0; s < samples; s++)
        {
            var order = Enumerable.Range(0, n).ToArray();
            random.Shuffle(order);
            var l = new bool[n];
            for (int i = 0; i < k; i++) l[order[i]] = true;
            yield return l;
        }
    }
}

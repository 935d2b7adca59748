namespace NtkRepro.Numerics.Statistics;

/// <summary>
/// A permutation test over the labels of two groups of objects (e.g. the benign and the AT
/// reference runs): under a null that makes the labels exchangeable, every relabelling of the
/// pooled n₁ + n₂ objects into groups of the original sizes is as likely as the observed one, so
/// the statistic recomputed over the relabellings is its null distribution, whatever the
/// statistic. The one-sided p-values are the shares of relabellings whose statistic is at least
/// (upper) or at most (lower) the observed one. Exact when C(n₁ + n₂, n₁) ≤ <c>maxExact</c> (every
/// relabelling, the observed one among them: the smallest attainable p is 1 / C(n₁ + n₂, n₁), e.g.
/// 1/20 for 3 + 3 and 1/70 for 4 + 4); otherwise a seeded random sample of relabellings with
/// p = (1 + count) / (1 + samples), the observed labelling counting as one of the sample, so p is
/// never 0 and stays valid (Phipson and Smyth 2010). A statistic symmetric under swapping the two
/// groups makes each value appear twice; the smallest attainable p is then twice as large — the
/// caller knows its statistic, so <see cref="Result.SmallestAttainableP"/> is the count's floor.
/// </summary>
public static class LabelPermutation
{
    public sealed record Result(double Statistic, double UpperP, double LowerP, double SmallestAttainableP, int Labellings, bool Exact);

    /// <param name="statistic">The statistic of a labelling: the pooled indices (0 … n₁ + n₂ − 1) in the first group and in the second,
    /// each in increasing order; the observed labelling is the first n₁ indices and the rest.</param>
    public static Result Run(int firstGroupSize, int secondGroupSize, Func<IReadOnlyList<int>, IReadOnlyList<int>, double> statistic,
        int maxExact = 5000, int samples = 5000, int seed = 0)
    {
        if (firstGroupSize < 1 || secondGroupSize < 1) throw new ArgumentException($"each group needs an object (got {firstGroupSize} and {secondGroupSize})");
        int n = firstGroupSize + secondGroupSize;
        var observed = statistic(Enumerable.Range(0, firstGroupSize).ToArray(), Enumerable.Range(firstGroupSize, secondGroupSize).ToArray());
        double total = Binomial(n, firstGroupSize);
        bool exact = total <= maxExact;
        double tolerance = 1e-12 * Math.Abs(observed);
        int atLeast = 0, atMost = 0, count = 0;
        foreach (var first in exact ? Combinations(n, firstGroupSize) : Sampled(n, firstGroupSize, samples, seed))
        {
            var inFirst = new bool[n];
            foreach (var i in first) inFirst[i] = true;
            double s = statistic(first, Enumerable.Range(0, n).Where(i => !inFirst[i]).ToArray());
            if (s >= observed - tolerance) atLeast++;
            if (s <= observed + tolerance) atMost++;
            count++;
        }
        return exact
            ? new Result(observed, (double)atLeast / count, (double)atMost / count, 1 / total, count, true)
            : new Result(observed, (1.0 + atLeast) / (1.0 + count), (1.0 + atMost) / (1.0 + count), Math.Max(1 / total, 1.0 / (1 + count)), count, false);
    }

    /// <summary>The smallest p an exact test over the relabellings of these group sizes can give (a statistic that is not symmetric under swapping the groups).</summary>
    public static double SmallestP(int firstGroupSize, int secondGroupSize) => 1 / Binomial(firstGroupSize + secondGroupSize, firstGroupSize);

    private static IEnumerable<int[]> Sampled(int n, int k, int samples, int seed)
    {
        var random = new Random(seed);
        for (int s = 0; s < samples; s++)
        {
            var order = Enumerable.Range(0, n).ToArray();
            random.Shuffle(order);
            var first = order.Take(k).ToArray();
            Array.Sort(first);
            yield return first;
        }
    }

    /// <summary>Every k-subset of 0..n−1 in lexicographic order.</summary>
    internal static IEnumerable<int[]> Combinations(int n, int k)
    {
        var c = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return (int[])c.Clone();
            int i = k - 1;
            while (i >= 0 && c[i] == n - k + i) i--;
            if (i < 0) yield break;
            c[i]++;
            for (int j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
        }
    }

    /// <summary>C(n, k), rounded to the nearest integer.</summary>
    internal static double Binomial(int n, int k)
    {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return Math.Round(r);
    }
}

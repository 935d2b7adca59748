using NtkRepro.Numerics.Statistics;
using NtkRepro.Tests.Judgement.Baselines;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Statistics;

[Tier(TestTier.Fast)]
public class SpreadCorrectedDistanceTests
{
    private static double[][] Group(Random rng, double[] mean, double spread, int n) =>
        Enumerable.Range(0, n).Select(_ =>
        {
            var v = mean.Select(m => m + spread * SimulatedRerun.Gaussian(rng)).ToArray();
            double norm = Math.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }).ToArray();

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private static double[,] Inner(double[][] x, double[][] y)
    {
        var g = new double[x.Length, y.Length];
        for (int i = 0; i < x.Length; i++)
            for (int j = 0; j < y.Length; j++) g[i, j] = Dot(x[i], y[j]);
        return g;
    }

    private static double[] Minus(double[] a, double[] b) => a.Zip(b, (x, y) => x - y).ToArray();

    /// <summary>
    /// The traces as U-statistics of pairwise differences, written on the vectors: ¼((x_i − x_j)·(y_k − y_l))² has
    /// expectation tr(Σ_x Σ_y) over distinct i, j and distinct k, l (all four distinct within one group).
    /// </summary>
    private static (double TraceA, double TraceB, double TraceAB) Reference(double[][] a, double[][] b)
    {
        static double Term(double[] xi, double[] xj, double[] yk, double[] yl) => Math.Pow(Dot(Minus(xi, xj), Minus(yk, yl)), 2) / 4;
        static double Square(double[][] x)
        {
            var terms = new List<double>();
            int n = x.Length;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    for (int k = 0; k < n; k++)
                        for (int l = 0; l < n; l++)
                            if (new[] { i, j, k, l }.Distinct().Count() == 4) terms.Add(Term(x[i], x[j], x[k], x[l]));
            return terms.Average();
        }
        var cross = new List<double>();
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < a.Length; j++)
                for (int k = 0; k < b.Length; k++)
                    for (int l = 0; l < b.Length; l++)
                        if (i != j && k != l) cross.Add(Term(a[i], a[j], b[k], b[l]));
        return (Square(a), Square(b), cross.Average());
    }

    /// <summary>mean S(a, b) − ½(W_A + W_B), S = 1 − a·b: the statistic whose variance is corrected.</summary>
    private static double Statistic(double[][] a, double[][] b)
    {
        static double Within(double[][] x) => x.SelectMany((u, i) => x.Skip(i + 1).Select(v => 1 - Dot(u, v))).Average();
        return a.SelectMany(u => b.Select(v => 1 - Dot(u, v))).Average() - (Within(a) + Within(b)) / 2;
    }

    private static double JackknifeVariance(double[][] a, double[][] b)
    {
        var (se, _) = GroupedJackknife.Of(
        [
            a.Select((_, i) => Statistic(a.Where((_, j) => j != i).ToArray(), b)).ToList(),
            b.Select((_, i) => Statistic(a, b.Where((_, j) => j != i).ToArray())).ToList(),
        ]);
        return se * se;
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(5, 6)]
    [InlineData(6, 4)]
    public void TheTraceEstimatorsFromInnerProductsEqualTheUStatisticsOfDifferencesOnTheVectors(int na, int nb)
    {
        var rng = new Random(na * 10 + nb);
        var mean = Enumerable.Range(0, 12).Select(_ => SimulatedRerun.Gaussian(rng)).ToArray();
        var (a, b) = (Group(rng, mean, 0.3, na), Group(rng, mean, 0.5, nb));
        var parts = SpreadCorrectedDistance.Variance(Inner(a, a), Inner(b, b), Inner(a, b));
        var (ta, tb, tab) = Reference(a, b);
        Assert.Equal(ta / (2.0 * na * (na - 1)), parts.WithinA!.Value, 12);
        Assert.Equal(tb / (2.0 * nb * (nb - 1)), parts.WithinB!.Value, 12);
        Assert.Equal(tab / (na * nb), parts.Across, 12);
    }

    /// <summary>
    /// Where both groups come from one distribution the statistic is all second order, and the closed forms hold:
    /// its variance is the sum of the three parts, and the jackknife's expectation is each part times its
    /// overstatement factor (2(n − 1)/(n − 2) within a group, 2 across). Checked over simulated draws.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void WhereTheMeansAgreeThePartsAddToTheVarianceAndTheJackknifeOverstatesEachByItsFactor(int n)
    {
        const int draws = 20_000;
        var rng = new Random(n);
        var mean = Enumerable.Range(0, 6).Select(_ => SimulatedRerun.Gaussian(rng)).ToArray();
        var stats = new List<double>();
        double jackknife = 0, parts = 0, expectedJackknife = 0;
        for (int i = 0; i < draws; i++)
        {
            var (a, b) = (Group(rng, mean, 0.4, n), Group(rng, mean, 0.4, n));
            var p = SpreadCorrectedDistance.Variance(Inner(a, a), Inner(b, b), Inner(a, b));
            stats.Add(Statistic(a, b));
            jackknife += JackknifeVariance(a, b) / draws;
            parts += (p.WithinA!.Value + p.WithinB!.Value + p.Across) / draws;
            expectedJackknife += (SpreadCorrectedDistance.Overstatement(n) * (p.WithinA.Value + p.WithinB.Value) + 2 * p.Across) / draws;
        }
        double m = stats.Average(), variance = stats.Sum(s => (s - m) * (s - m)) / (draws - 1);
        Assert.True(Math.Abs(m) < 4 * Math.Sqrt(variance / draws), $"mean {m:E3}: the statistic is unbiased where the means agree");
        Assert.True(Math.Abs(parts / variance - 1) < 0.05, $"the parts add to {parts:E4}, the variance is {variance:E4}");
        Assert.True(Math.Abs(jackknife / expectedJackknife - 1) < 0.05, $"the jackknife's mean is {jackknife:E4}, the parts times their factors {expectedJackknife:E4}");
        Assert.True(jackknife > 1.8 * variance, $"the jackknife overstates: {jackknife:E3} against {variance:E3}");
    }

    [Fact]
    public void TheCorrectionNeverTakesTheVarianceBelowTheJackknifesOverItsLargestFactor()
    {
        var large = new SpreadCorrectedDistance.SecondOrder(1, 1, 1);
        Assert.Equal(1.0 / 4, SpreadCorrectedDistance.CorrectedVariance(1, large, 3, 4), 12);
        var none = new SpreadCorrectedDistance.SecondOrder(0, 0, 0);
        Assert.Equal(1, SpreadCorrectedDistance.CorrectedVariance(1, none, 3, 4), 12);
        var some = new SpreadCorrectedDistance.SecondOrder(0.1, 0.05, 0.02);
        Assert.Equal(1 - 3 * 0.1 - 2 * 0.05 - 0.02, SpreadCorrectedDistance.CorrectedVariance(1, some, 3, 4), 12);
        Assert.Throws<ArgumentException>(() => SpreadCorrectedDistance.Variance(new double[2, 2], new double[3, 3], new double[2, 3]));
        // Three kernels: no unbiased estimate of a group's own pairs, which keep the jackknife's excess.
        var three = SpreadCorrectedDistance.Variance(new double[3, 3], new double[4, 4], new double[3, 4]);
        Assert.Null(three.WithinA);
        Assert.NotNull(three.WithinB);
        Assert.Equal(1 - 2 * 0.05 - 0.02, SpreadCorrectedDistance.CorrectedVariance(1, some with { WithinA = null }, 3, 4), 12);
    }
}

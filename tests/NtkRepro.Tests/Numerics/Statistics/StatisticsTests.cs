using NtkRepro.Numerics.Statistics;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Statistics;

[Tier(TestTier.Fast)]
public class StatisticsTests
{
    [Theory]
    [InlineData(-3.0)]
    [InlineData(-0.4)]
    [InlineData(0.0)]
    [InlineData(1.7)]
    [InlineData(12.0)]
    public void StudentTMatchesItsClosedFormsForOneAndTwoDegreesOfFreedom(double t)
    {
        Assert.Equal(0.5 + Math.Atan(t) / Math.PI, StudentT.Cdf(t, 1), 12);
        Assert.Equal(0.5 + t / (2 * Math.Sqrt(2 + t * t)), StudentT.Cdf(t, 2), 12);
    }

    [Theory]
    [InlineData(0.95, 1, 6.313751515)]
    [InlineData(0.975, 2, 4.302652730)]
    [InlineData(0.95, 4, 2.131846786)]
    [InlineData(0.975, 10, 2.228138852)]
    [InlineData(0.95, 1e6, 1.644855)]
    public void StudentTQuantilesMatchTables(double p, double dof, double expected) =>
        Assert.Equal(expected, StudentT.Quantile(p, dof), 5);

    [Fact]
    public void ReplicateEstimateIsMeanAndStandardErrorOfTheMean()
    {
        var e = Estimate.FromReplicates([1, 2, 3, 6]);
        Assert.Equal(3, e.Mean, 12);
        Assert.Equal(Math.Sqrt((4 + 1 + 0 + 9) / 3.0 / 4), e.StandardError, 12);
        Assert.Equal(3, e.DegreesOfFreedom);
        Assert.False(Estimate.FromReplicates([1]).HasUncertainty);
        Assert.Equal(e.Mean - StudentT.Quantile(0.95, 3) * e.StandardError, e.Lower(0.95), 12);
    }

    [Fact]
    public void WelchDifferenceHasSatterthwaiteDegreesOfFreedom()
    {
        var a = Estimate.FromReplicates([1, 2, 3]);
        var b = Estimate.FromReplicates([0, 0, 1, 1, 5]);
        var d = Estimate.Difference(a, b);
        double va = 1.0 / 3, vb = Math.Pow(b.StandardError, 2);
        Assert.Equal(a.Mean - b.Mean, d.Mean, 12);
        Assert.Equal(Math.Sqrt(va + vb), d.StandardError, 12);
        Assert.Equal((va + vb) * (va + vb) / (va * va / 2 + vb * vb / 4), d.DegreesOfFreedom, 9);
    }

    [Fact]
    public void OneReplicateAccuracyCarriesTheBinomialErrorOfTheTestSet()
    {
        var bits = string.Concat(Enumerable.Range(0, 1000).Select(i => i % 4 == 0 ? '1' : '0'));
        var e = CorrectnessMatrix.From([Correctness.Parse(bits)]).Estimate();
        Assert.Equal(0.25, e.Mean, 12);
        Assert.Equal(Math.Sqrt(0.25 * 0.75 / 999), e.StandardError, 9);
    }

    [Fact]
    public void TwoWayIntervalsCoverTheTrueAccuracyAtLeastAtTheirLevel()
    {
        // x_ij ~ Bernoulli(μ + a_i + b_j): replicate effects a ~ N(0, 0.03²), image effects b uniform; 95% one-sided coverage.
        var random = new Random(7);
        int covered = 0, trials = 400;
        var imageEffect = Enumerable.Range(0, 300).Select(_ => random.NextDouble() * 0.6 - 0.3).ToArray();
        double mu = 0.5;
        for (int t = 0; t < trials; t++)
        {
            var rows = Enumerable.Range(0, 4).Select(_ =>
            {
                double a = 0.03 * Gaussian(random);
                return imageEffect.Select(b => random.NextDouble() < mu + a + b ? 1.0 : 0.0).ToArray();
            }).ToList();
            if (new CorrectnessMatrix(rows).Estimate().Lower(0.95) <= mu) covered++;
        }
        Assert.InRange(covered / (double)trials, 0.93, 1.0);
    }

    [Fact]
    public void PermutationTestIsExactForSeparatedGroups()
    {
        int n = 8;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                d[i, j] = i == j ? 0 : (i < 4) == (j < 4) ? 0.1 : 0.5;
        var r = DistancePermutationTest.Run(d, 4);
        Assert.Equal(0.4, r.Statistic, 12);
        Assert.Equal(2.0 / 70, r.PValue, 12);
        Assert.Equal(2.0 / 70, r.SmallestAttainableP, 12);
        Assert.Equal(70, r.Labellings);
        Assert.Equal(0.1, DistancePermutationTest.Run(new double[6, 6], 3).SmallestAttainableP, 12);
    }

    /// <summary>Mean of the second group − mean of the first, over pooled values.</summary>
    private static Func<IReadOnlyList<int>, IReadOnlyList<int>, double> MeanDifference(double[] v) =>
        (first, second) => second.Average(i => v[i]) - first.Average(i => v[i]);

    [Fact]
    public void ALabelPermutationCountsTheRelabellingsAtLeastAndAtMostTheObservedStatistic()
    {
        // Values {1, 2, 10, 20} in two pairs: the 6 relabellings give 13.5, 5.5, −4.5, 4.5, −5.5, −13.5 (by hand).
        var top = LabelPermutation.Run(2, 2, MeanDifference([1, 2, 10, 20]));
        Assert.Equal(13.5, top.Statistic, 12);
        Assert.Equal(1.0 / 6, top.UpperP, 12);   // only itself
        Assert.Equal(1.0, top.LowerP, 12);       // every one is at most it
        Assert.Equal(6, top.Labellings);
        Assert.True(top.Exact);
        Assert.Equal(1.0 / 6, top.SmallestAttainableP, 12);
        // The same values ordered so that the observed split {2, 10} | {1, 20} gives 4.5: three at least it, four at most.
        var middle = LabelPermutation.Run(2, 2, MeanDifference([2, 10, 1, 20]));
        Assert.Equal(4.5, middle.Statistic, 12);
        Assert.Equal(3.0 / 6, middle.UpperP, 12);
        Assert.Equal(4.0 / 6, middle.LowerP, 12);
        // Unequal sizes, values 0, 2, 4 split one and two: the first group {0}, {2} or {4} gives 3, 0 or −3.
        var unequal = LabelPermutation.Run(1, 2, MeanDifference([0, 2, 4]));
        Assert.Equal(3, unequal.Statistic, 12);
        Assert.Equal(1.0 / 3, unequal.UpperP, 12);
        Assert.Equal(1.0 / 20, LabelPermutation.SmallestP(3, 3), 12);
        Assert.Equal(1.0 / 70, LabelPermutation.SmallestP(4, 4), 12);
    }

    [Fact]
    public void ASampledLabelPermutationCountsTheObservedLabellingSoItsPIsNeverZero()
    {
        // 10 + 10: C(20, 10) = 184,756 relabellings, more than the 2,000 sampled; none sampled separates as well (seeded).
        var v = Enumerable.Range(0, 20).Select(i => (double)i).ToArray();
        var r = LabelPermutation.Run(10, 10, MeanDifference(v), samples: 2000, seed: 3);
        Assert.False(r.Exact);
        Assert.Equal(2000, r.Labellings);
        Assert.Equal(1.0 / 2001, r.UpperP, 12);
        Assert.Equal(1.0, r.LowerP, 12);
        Assert.Equal(1.0 / 2001, r.SmallestAttainableP, 12);
    }

    [Fact]
    public void ALabelPermutationIsExactUnderExchangeability()
    {
        // Oracle by simulation: i.i.d. values, 4 + 4; the one-sided p ≤ 0.05 at most in 3 of 70 labellings' share (4.3%).
        var rng = new Random(11);
        int rejected = 0, trials = 2000;
        for (int t = 0; t < trials; t++)
        {
            var v = Enumerable.Range(0, 8).Select(_ => rng.NextDouble()).ToArray();
            rejected += LabelPermutation.Run(4, 4, MeanDifference(v)).UpperP <= 0.05 ? 1 : 0;
        }
        Assert.InRange(rejected / (double)trials, 0.03, 0.056);
    }

    [Fact]
    public void ASampledPermutationTestCountsTheObservedLabellingSoItsPIsNeverZero()
    {
        // Two groups of 10: C(20, 10) = 184,756 labellings, more than the 2,000 sampled; no sampled one separates as well.
        int n = 20;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                d[i, j] = i == j ? 0 : (i < 10) == (j < 10) ? 0.1 : 0.5;
        var r = DistancePermutationTest.Run(d, 10, samples: 2000);
        Assert.Equal(2000, r.Labellings);
        Assert.Equal(1.0 / 2001, r.PValue, 12);
        Assert.Equal(1.0 / 2001, r.SmallestAttainableP, 12);
    }

    /// <summary>
    /// Oracle by simulation: over many independent draws of two groups of points (Gaussian, the
    /// second shifted), the jackknife standard error of the between − within statistic agrees with
    /// the statistic's actual spread across draws.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void PermutationStatisticsJackknifeSpreadMatchesItsSpreadAcrossDraws(int perGroup)
    {
        var random = new Random(7);
        int n = 2 * perGroup, dim = 5, draws = 1500;
        var stats = new double[draws];
        var ses = new double[draws];
        var labels = Enumerable.Range(0, n).Select(i => i < perGroup).ToArray();
        for (int s = 0; s < draws; s++)
        {
            var points = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, dim).Select(_ => Gaussian(random) + (i < perGroup ? 0 : 0.8)).ToArray()).ToArray();
            var d = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    d[i, j] = Math.Sqrt(points[i].Zip(points[j], (a, b) => (a - b) * (a - b)).Sum());
            var r = DistancePermutationTest.Run(d, perGroup, samples: 1);
            stats[s] = r.Statistic;
            ses[s] = r.JackknifeStandardError;
            Assert.Equal(n - 2, r.JackknifeDegreesOfFreedom);
        }
        double mean = stats.Average();
        double sd = Math.Sqrt(stats.Sum(x => (x - mean) * (x - mean)) / (draws - 1));
        double rms = Math.Sqrt(ses.Average(x => x * x));
        // The jackknife variance is conservative (biased upwards) for non-linear statistics; half to twice is agreement at this n.
        Assert.InRange(rms / sd, 0.8, 2.0);
    }

    [Fact]
    public void PermutationStatisticsJackknifeIsZeroForRigidDistancesAndUndefinedForPairs()
    {
        int n = 8;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                d[i, j] = i == j ? 0 : (i < 4) == (j < 4) ? 0.1 : 0.5;
        Assert.Equal(0, DistancePermutationTest.Run(d, 4).JackknifeStandardError, 12);
        var pairs = DistancePermutationTest.Run(new double[4, 4] { { 0, 1, 2, 2 }, { 1, 0, 2, 2 }, { 2, 2, 0, 1 }, { 2, 2, 1, 0 } }, 2);
        Assert.True(double.IsNaN(pairs.JackknifeStandardError));
        Assert.Equal(0, pairs.JackknifeDegreesOfFreedom);
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Fact]
    public void OneSidedDecisionsReadTheRightBound()
    {
        var clear = Estimate.FromReplicates([0.30, 0.31, 0.29, 0.30]);
        Assert.Equal(Decision.Supported, OneSided.Above(clear, 0.2));
        Assert.Equal(Decision.Contradicted, OneSided.Above(clear, 0.4));
        Assert.Equal(Decision.Undecided, OneSided.Above(clear, 0.305));
        Assert.Equal(Decision.Supported, OneSided.Below(clear, 0.4));
        Assert.Equal(Decision.Supported, OneSided.OutsideBand(clear, 0.1));
        Assert.Equal(Decision.Contradicted, OneSided.OutsideBand(clear, 0.5));
        Assert.Equal(Decision.Undecided, OneSided.All([Decision.Supported, Decision.Undecided]));
        Assert.Equal(Decision.Contradicted, OneSided.All([Decision.Supported, Decision.Contradicted]));
    }
}

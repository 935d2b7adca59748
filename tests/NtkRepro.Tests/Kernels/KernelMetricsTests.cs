using NtkRepro.Kernels;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Kernels;

[Trait("Tier", Tiers.Fast)]
public class KernelMetricsTests
{
    private static Tensor RandomPsd(int n, int seed, int rank = -1)
    {
        torch.manual_seed(seed);
        var a = torch.randn(n, rank < 0 ? n : rank, dtype: float64);
        return torch.mm(a, a.T);
    }

    [Fact]
    public void DistanceIdentities()
    {
        var k = RandomPsd(6, 0);
        var l = RandomPsd(6, 1);
        Assert.Equal(0, KernelMetrics.Distance(k, k), 12);
        Assert.Equal(0, KernelMetrics.Distance(k, 3.7 * k), 12);
        Assert.Equal(KernelMetrics.Distance(k, l), KernelMetrics.Distance(l, k), 14);
        double s = KernelMetrics.Distance(k, l);
        Assert.InRange(s, 0, 1);
        Assert.True(s > 1e-3);
        // Naive reference: 1 − Σ k_ij l_ij / sqrt(Σ k² Σ l²).
        var (kk, ll) = (k.data<double>().ToArray(), l.data<double>().ToArray());
        double dot = kk.Zip(ll, (a, b) => a * b).Sum();
        double naive = 1 - dot / Math.Sqrt(kk.Sum(a => a * a) * ll.Sum(b => b * b));
        Assert.Equal(naive, s, 12);
    }

    [Fact]
    public void EffectiveRankIdentities()
    {
        Assert.Equal(7, KernelMetrics.EffectiveRank(torch.eye(7, dtype: float64)), 10);
        Assert.Equal(1, KernelMetrics.EffectiveRank(RandomPsd(8, 2, rank: 1)), 6);
        // Two equal eigenvalues and zeros: erank 2.
        Assert.Equal(2, KernelMetrics.EffectiveRank(torch.diag(torch.tensor(new double[] { 3, 3, 0, 0 }))), 10);
        // Scale invariance.
        var k = RandomPsd(5, 3);
        Assert.Equal(KernelMetrics.EffectiveRank(k), KernelMetrics.EffectiveRank(42 * k), 8);
    }

    [Fact]
    public void SpecializationOfTheLabelStructureIsMaximalOnTheDiagonal()
    {
        // K_cc = y_c y_cᵀ: each class block aligns with its own class only.
        long[] labels = [0, 0, 1, 1, 2, 2];
        var blocks = torch.stack(Enumerable.Range(0, 3).Select(c =>
        {
            var y = torch.tensor(labels.Select(l => l == c ? 1.0 : 0.0).ToArray());
            return torch.outer(y, y);
        }).ToArray());
        var ksm = KernelMetrics.SpecializationMatrix(blocks, labels);
        for (int c = 0; c < 3; c++)
            for (int cp = 0; cp < 3; cp++)
                Assert.Equal(c == cp ? 3.0 : 0.0, ksm[c, cp], 10);
        Assert.Equal(3.0, KernelMetrics.MeanSpecialization(ksm), 10);
    }

    [Fact]
    public void IdenticalClassBlocksHaveNoSpecialization()
    {
        long[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        var k = RandomPsd(8, 4);
        var ksm = KernelMetrics.SpecializationMatrix(torch.stack([k, k, k]), labels);
        foreach (var v in ksm) Assert.Equal(1.0, v, 10);
    }

    [Fact]
    public void SpecializationEntriesLieBetweenZeroAndC()
    {
        long[] labels = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1];
        var blocks = torch.stack(Enumerable.Range(0, 4).Select(c => RandomPsd(10, 10 + c, rank: 2).abs()).ToArray());
        var ksm = KernelMetrics.SpecializationMatrix(blocks, labels);
        foreach (var v in ksm) Assert.InRange(v, 0, 4);
    }

    [Fact]
    public void VelocityDividesByTheTimeBetweenCheckpoints()
    {
        var k0 = RandomPsd(5, 0); var k1 = RandomPsd(5, 1); var k2 = RandomPsd(5, 2);
        var v = KernelMetrics.Velocities([new(0, k0), new(0.5, k1), new(2, k2)]);
        Assert.Equal(2, v.Count);
        Assert.Equal(KernelMetrics.Distance(k0, k1) / 0.5, v[0].Value, 12);
        Assert.Equal(KernelMetrics.Distance(k1, k2) / 1.5, v[1].Value, 12);
        Assert.Equal(1.25, v[1].MidEpoch);
        var d = KernelMetrics.DistanceToFinal([new(2, k2), new(0, k0)]);
        Assert.Equal(KernelMetrics.Distance(k0, k2), d[0].Distance, 12);
        Assert.Equal(0, d[^1].Distance, 12);
    }

    [Fact]
    public void InvalidInputIsRejectedClearly()
    {
        Assert.Contains("square", Assert.Throws<ArgumentException>(() => KernelMetrics.Distance(torch.ones(2, 3), torch.ones(2, 3))).Message);
        Assert.Contains("K2 is [3x3]", Assert.Throws<ArgumentException>(() => KernelMetrics.Distance(torch.eye(2), torch.eye(3))).Message);
        var nan = torch.eye(3, dtype: float64); nan[0, 0] = torch.tensor(double.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => KernelMetrics.EffectiveRank(nan)).Message);
        Assert.Contains("symmetric", Assert.Throws<ArgumentException>(() => KernelMetrics.EffectiveRank(torch.tensor(new double[,] { { 1, 2 }, { 0, 1 } }))).Message);
        Assert.Contains("labels", Assert.Throws<ArgumentException>(() => KernelMetrics.SpecializationMatrix(torch.ones(2, 3, 3), [0, 1])).Message);
        Assert.Throws<ArgumentException>(() => KernelMetrics.Velocities([new(0, torch.eye(2))]));
        Assert.Null(KernelMetrics.RelativeFirstOrder(1.0, 0.0));
        Assert.Equal(0.25, KernelMetrics.RelativeFirstOrder(1.0, 4.0));
    }
}

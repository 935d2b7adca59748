using NtkRepro.Numerics.Kernels;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Kernels;

[Tier(TestTier.Fast)]
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

    /// <summary>erank from the eigenvalues by the definition, in float64, nothing clamped (the oracle).</summary>
    private static double ErankOfExactKernel(Tensor k)
    {
        var lambda = torch.linalg.eigvalsh(k).data<double>().ToArray().Where(l => l > 1e-12 * k.abs().max().ToDouble()).ToArray();
        double total = lambda.Sum();
        return Math.Exp(-lambda.Sum(l => l / total * Math.Log(l / total)));
    }

    [Fact]
    public void AFloat32GramMatrixOfRankDeficientDataGivesTheExactEffectiveRank()
    {
        torch.manual_seed(5);
        var x = torch.randn(300, 20, dtype: float32) * torch.linspace(0.2, 3, 20, dtype: float32);
        var k32 = torch.mm(x, x.T);
        var x64 = x.to(float64);
        var exact = ErankOfExactKernel(torch.mm(x64, x64.T));
        Assert.True(torch.linalg.eigvalsh(k32.to(float64)).min().ToDouble() < 0, "precondition: the float32 kernel has round-off negative eigenvalues");
        Assert.Equal(exact, KernelMetrics.EffectiveRank(k32), exact * 1e-5);
        Assert.InRange(exact, 5, 20);
    }

    /// <summary>A rank-5 PSD kernel (float64) with one null direction pushed to eigenvalue −δ·λmax.</summary>
    private static (Tensor K, double Exact) WithNegativeEigenvalue(double delta)
    {
        torch.manual_seed(6);
        var a = torch.randn(300, 5, dtype: float64);
        var k = torch.mm(a, a.T);
        var v = torch.linalg.svd(a.T, fullMatrices: true).Vh[10]; // orthogonal to a's columns
        double lambdaMax = torch.linalg.eigvalsh(k).max().ToDouble();
        return (k - delta * lambdaMax * torch.outer(v, v), ErankOfExactKernel(k));
    }

    [Fact]
    public void ANegativeEigenvalueWithinFloat32RoundOffCountsAsZero()
    {
        var (k, exact) = WithNegativeEigenvalue(1e-4); // 1e-4 < 10·N·ε32 = 3.6e-4; beyond the former fixed 1e-6
        Assert.Equal(exact, KernelMetrics.EffectiveRank(k, "K", accumulatedIn: float32), exact * 1e-9);
        Assert.Equal(exact, KernelMetrics.EffectiveRank(k.to(float32)), exact * 1e-5);
        // The same matrix claimed to be exact in float64 is not PSD.
        Assert.Contains("not positive semi-definite", Assert.Throws<ArgumentException>(() => KernelMetrics.EffectiveRank(k)).Message);
    }

    [Fact]
    public void AGenuinelyNegativeEigenvalueIsAnErrorNamingTheKernel()
    {
        var (k, _) = WithNegativeEigenvalue(1e-2);
        var e = Assert.Throws<ArgumentException>(() => KernelMetrics.EffectiveRank(k.to(float32), "kernels/epoch-3.npy"));
        Assert.Contains("kernels/epoch-3.npy is not positive semi-definite", e.Message);
    }

    [Fact]
    public void AsymmetryBeyondRoundOffAndNoPositiveEigenvalueAreErrors()
    {
        torch.manual_seed(7);
        var x = torch.randn(50, 10, dtype: float32);
        var k = torch.mm(x, x.T);
        var skewed = k.clone();
        skewed[3, 7] = skewed[3, 7] + 0.05 * k.abs().max();
        Assert.Contains("K7 is not symmetric", Assert.Throws<ArgumentException>(() => KernelMetrics.EffectiveRank(skewed, "K7")).Message);
        Assert.Contains("no positive eigenvalue", Assert.Throws<ArgumentException>(() => KernelMetrics.EffectiveRank(-k, "K")).Message);
        Assert.Contains("no positive eigenvalue", Assert.Throws<ArgumentException>(() => KernelMetrics.EffectiveRank(torch.zeros(4, 4), "K")).Message);
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

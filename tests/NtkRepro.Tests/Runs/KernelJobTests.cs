using NtkRepro.Kernels;
using NtkRepro.Runs;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Runs;

[Tier(TestTier.Fast)]
public class KernelJobTests
{
    private const int Classes = 2, PerClass = 60;
    private static readonly KernelSubset Subset = new(PerClass);

    /// <summary>
    /// Float32 class blocks of rank 4 whose trace kernel has one null direction pushed to
    /// eigenvalue −δ·λmax, saved as the kernels of a run at epochs 0 and 1.
    /// </summary>
    private static string RunWithKernels(double delta)
    {
        var run = TestData.TempDir("kernels");
        torch.manual_seed(8);
        int n = Classes * PerClass;
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % Classes)).ToArray();
        foreach (var epoch in new[] { 0.0, 1.0 })
        {
            var a = torch.randn(n, 4, dtype: float64);
            var k = torch.mm(a, a.T);
            var v = torch.linalg.svd(a.T, fullMatrices: true).Vh[^1];
            k -= delta * torch.linalg.eigvalsh(k).max() * torch.outer(v, v);
            var blocks = torch.stack([k, k]).to(float32); // the trace kernel is k
            KernelFile.Save(KernelJob.KernelPath(run, Subset, epoch), blocks,
                new KernelInfo("class-blocks", "test", "none", epoch, Enumerable.Range(0, n).Select(i => (long)i).ToList(), labels, [], ""));
        }
        return run;
    }

    [Fact]
    public void Float32KernelsWithRoundOffNegativeEigenvaluesAreAnalysed()
    {
        // 1e-5 of λmax: what float32 accumulation over millions of parameters can leave; the former fixed threshold was 1e-6.
        var series = KernelJob.Analyze(RunWithKernels(1e-5), Subset, [0, 1]);
        Assert.Equal(2, series.Checkpoints.Count);
        Assert.All(series.Checkpoints, c => Assert.InRange(c.EffectiveRank, 1, 4));
    }

    [Fact]
    public void AGenuinelyIndefiniteKernelIsAnErrorNamingItsFile()
    {
        var run = RunWithKernels(1e-2);
        var e = Assert.Throws<ArgumentException>(() => KernelJob.Analyze(run, Subset, [0, 1]));
        Assert.Contains(KernelJob.KernelPath(run, Subset, 0), e.Message);
        Assert.Contains("not positive semi-definite", e.Message);
    }
}

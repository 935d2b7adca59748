using NtkRepro.Numerics.Kernels;
using NtkRepro.Pipeline.Runs;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Pipeline.Runs;

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

    /// <summary>
    /// A 100-class network's kernels on classes 0–9 (CIFAR-100, as the authors compute them), here
    /// 3 class blocks on points of classes 0 and 1: the trace-kernel metrics are measured, the
    /// specialization, which needs a point of every class, is recorded as not measured.
    /// </summary>
    [Fact]
    public void KernelsOnFewerClassesThanTheNetworkHasGetTraceMetricsAndNoSpecialization()
    {
        var run = TestData.TempDir("kernels-few-classes");
        torch.manual_seed(9);
        int n = 2 * PerClass;
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % 2)).ToArray();
        foreach (var epoch in new[] { 0.0, 1.0 })
        {
            var a = torch.randn(3, n, 6, dtype: float64);
            var blocks = torch.matmul(a, a.transpose(1, 2)).to(float32);
            KernelFile.Save(KernelJob.KernelPath(run, Subset, epoch), blocks,
                new KernelInfo(KernelJob.ClassBlocksKind, "test", "none", epoch, Enumerable.Range(0, n).Select(i => (long)i).ToList(), labels, [], ""));
        }
        var series = KernelJob.Analyze(run, Subset, [0, 1]);
        Assert.All(series.Checkpoints, c => Assert.Null(c.MeanSpecialization));
        Assert.All(series.Checkpoints, c => Assert.InRange(c.EffectiveRank, 1, 6 * 3));
        Assert.Single(series.Velocities);
        Assert.False(KernelJob.CoversEveryClass(labels, 3));
        Assert.True(KernelJob.CoversEveryClass(labels, 2));
    }

    [Fact]
    public void AStoredTraceKernelIsAnalysedWithoutSpecialization()
    {
        var run = TestData.TempDir("kernels-trace");
        torch.manual_seed(10);
        int n = 2 * PerClass;
        foreach (var epoch in new[] { 0.0, 1.0 })
        {
            var a = torch.randn(n, 5, dtype: float64);
            KernelFile.Save(KernelJob.KernelPath(run, Subset, epoch), torch.mm(a, a.T).to(float32),
                new KernelInfo(KernelJob.TraceKind, "test", "none", epoch, Enumerable.Range(0, n).Select(i => (long)i).ToList(),
                    Enumerable.Range(0, n).Select(i => (long)(i % 2)).ToList(), [], ""));
        }
        var series = KernelJob.Analyze(run, Subset, [0, 1]);
        Assert.Equal(n, series.Points);
        Assert.All(series.Checkpoints, c => Assert.Null(c.MeanSpecialization));
        Assert.All(series.Checkpoints, c => Assert.InRange(c.EffectiveRank, 1, 5));
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

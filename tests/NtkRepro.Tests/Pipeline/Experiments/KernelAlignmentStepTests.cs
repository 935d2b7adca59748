using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Runs;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>The kernel-alignment analysis: its formula against closed forms and a naive float64 reference, its plan, and one step run on a store.</summary>
[Tier(TestTier.Fast)]
public class KernelAlignmentStepTests
{
    /// <summary>The naive reference: HKH and HYYᵀH entry by entry, then their Frobenius inner product over the norms.</summary>
    private static double NaiveAlignment(double[,] k, long[] labels)
    {
        int n = labels.Length;
        var y = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                y[i, j] = labels[i] == labels[j] ? 1 : 0;
        double[,] Center(double[,] m)
        {
            var c = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = m[i, j];
                    for (int a = 0; a < n; a++) s -= (m[a, j] + m[i, a]) / n;
                    for (int a = 0; a < n; a++)
                        for (int b = 0; b < n; b++) s += m[a, b] / ((double)n * n);
                    c[i, j] = s;
                }
            return c;
        }
        var kc = Center(k);
        var yc = Center(y);
        double dot = 0, kk = 0, yy = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                dot += kc[i, j] * yc[i, j];
                kk += kc[i, j] * kc[i, j];
                yy += yc[i, j] * yc[i, j];
            }
        return dot / Math.Sqrt(kk * yy);
    }

    private static (Tensor Kernel, long[] Labels) RandomKernel(int n, int classes, long seed)
    {
        var g = new Generator((ulong)seed);
        var features = torch.randn([n, 7], ScalarType.Float64, generator: g);
        var labels = torch.randint(classes, [n], generator: g).data<long>().ToArray();
        return (features.matmul(features.T) + 3.0, labels);
    }

    [Theory]
    [InlineData(12, 3, 1)]
    [InlineData(20, 4, 2)]
    [InlineData(9, 2, 3)]
    public void AlignmentEqualsTheNaiveReference(int n, int classes, long seed)
    {
        using var scope = torch.NewDisposeScope();
        var (k, labels) = RandomKernel(n, classes, seed);
        var array = new double[n, n];
        var values = k.data<double>().ToArray();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) array[i, j] = values[i * n + j];
        Assert.Equal(NaiveAlignment(array, labels), KernelAlignmentStep.Alignment(k, labels), 12);
    }

    [Fact]
    public void TheLabelKernelAlignsFullyAndTheIdentityAsItsClosedForm()
    {
        using var scope = torch.NewDisposeScope();
        const int classes = 5, perClass = 6, n = classes * perClass;
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % classes) * 2).ToArray();
        var y = nn.functional.one_hot(tensor(labels.Select(l => l / 2).ToArray()), classes).to(ScalarType.Float64);
        // A scaled label kernel plus any constant offset: centering removes the offset.
        Assert.Equal(1.0, KernelAlignmentStep.Alignment(2.5 * y.matmul(y.T) + 7.0, labels), 12);
        Assert.Equal(Math.Sqrt((classes - 1.0) / (n - 1.0)), KernelAlignmentStep.Alignment(eye(n, dtype: ScalarType.Float64), labels), 12);
    }

    [Fact]
    public void EveryStage1RunHasOneAlignmentStepReadingItsRunAndKernels()
    {
        var plan = Planner.For(Presets.Mini);
        var runs = plan.Steps.Where(s => s.Work is Stage1Work).ToList();
        var alignments = plan.Steps.Where(s => s.Work is KernelAlignmentWork).ToList();
        Assert.Equal(runs.Count, alignments.Count);
        foreach (var a in alignments)
        {
            var run = plan.Step(a.DependsOn[0]);
            var kernels = plan.Step(a.DependsOn[1]);
            var w = (KernelAlignmentWork)a.Work;
            Assert.True(run.Work is Stage1Work s && s.R == w.R && s.Schedule == w.Schedule, a.Key);
            Assert.True(kernels.Work is KernelsWork k && k.R == w.R && k.Schedule == w.Schedule, a.Key);
            Assert.Equal(run.Folder, a.Folder);
        }
    }

    [Fact]
    public void TheStepMeasuresEachCheckpointOfItsRunAndReadsItBack()
    {
        var plan = Planner.For(Presets.Smoke);
        var step = plan.Steps.First(s => s.Work is KernelAlignmentWork);
        var kernels = plan.Step(step.DependsOn[1]);
        var work = (KernelsWork)kernels.Work;
        var store = new ArtifactStore(TestData.TempDir("alignment"));
        var expected = new Dictionary<double, double>();
        foreach (var (epoch, i) in work.Epochs.Select((e, i) => (e, i)))
        {
            using var scope = torch.NewDisposeScope();
            var (k, labels) = RandomKernel(10, 3, 100 + i);
            Directory.CreateDirectory(KernelJob.Folder(store.PathOf(kernels), work.Subset));
            KernelFile.Save(KernelsStep.KernelPath(store, kernels, epoch), k.to(ScalarType.Float32),
                new KernelInfo(KernelJob.TraceKind, "test", "none", epoch, labels.Select((_, x) => (long)x).ToList(), labels, [], ""));
            expected[epoch] = KernelAlignmentStep.Alignment(k.to(ScalarType.Float32), labels);
        }
        using (var context = new StepContext(plan, store, CPU, NullProgress.Instance, null))
            KernelAlignmentStep.Kind.Run(context, step);
        Assert.True(KernelAlignmentStep.Kind.IsDone(plan, store, step));
        var measures = KernelAlignmentStep.Kind.Measures(plan, store, step);
        var w = (KernelAlignmentWork)step.Work;
        Assert.Equal(work.Epochs.Order().Select(e => $"alignment@{Epochs.Name(e)}"), measures.Select(m => m.Figure));
        Assert.All(measures, m => Assert.True(m.Analysis == "kernel-alignment" && m.Schedule == w.Schedule && m.Replicate == w.R, m.ToString()));
        Assert.All(work.Epochs, e => Assert.Equal(expected[e], measures.Single(m => m.Figure == $"alignment@{Epochs.Name(e)}").Value, 12));
    }
}

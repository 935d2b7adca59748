using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Tests.Numerics.Models;

/// <summary>BatchNorm's statistics against the closed form of Haiku's zero-debiased moving average, and its init and frozen states.</summary>
[Tier(TestTier.Fast)]
public class BatchNormStatisticsTests
{
    private const double D = BatchNormLayer.Decay;

    /// <summary>Per-channel mean and biased variance of the first layer's convolution output, in float64: what the layer's batch statistics must be.</summary>
    private static (double[] Mean, double[] Var) FirstLayerStatistics(NtkModel model, torch.Tensor x)
    {
        var conv = model.named_parameters().Single(p => p.name == "conv1.weight").parameter;
        using var h = F.conv2d(x.to(torch.float64), conv.to(torch.float64), padding: [1, 1]);
        using var mean = h.mean([0, 2, 3]);
        using var variance = h.var([0, 2, 3], unbiased: false);
        return (mean.data<double>().ToArray(), variance.data<double>().ToArray());
    }

    private static double[] Buffer(NtkModel model, string name) =>
        model.named_buffers().Single(b => b.name == name).buffer.to(torch.float64).data<double>().ToArray();

    [Fact]
    public void AfterKUpdatesTheAverageIsTheDebiasedExponentialMovingAverageOfTheBatchStatistics()
    {
        using var model = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);
        model.train();
        var batches = Enumerable.Range(0, 5).Select(i => torch.rand(8, 3, 32, 32, generator: new torch.Generator((ulong)i + 1)) * (1 + i)).ToList();
        var stats = batches.Select(b => FirstLayerStatistics(model, b)).ToList();
        for (int k = 1; k <= batches.Count; k++)
        {
            model.forward(batches[k - 1]).Dispose();
            int kk = k;
            double Closed(Func<int, double> x) =>
                (1 - D) * Enumerable.Range(1, kk).Sum(i => Math.Pow(D, kk - i) * x(i - 1)) / (1 - Math.Pow(D, kk));
            var mean = Buffer(model, "bn1.running_mean");
            var variance = Buffer(model, "bn1.running_var");
            for (int c = 0; c < mean.Length; c++)
            {
                Assert.Equal(Closed(i => stats[i].Mean[c]), mean[c], 5);
                Assert.Equal(1, variance[c] / Closed(i => stats[i].Var[c]), 4);
            }
            Assert.Equal(k, (int)Buffer(model, "bn1.num_batches_tracked")[0]);
        }
        foreach (var b in batches) b.Dispose();
    }

    [Fact]
    public void InitializationHoldsOneBatchsStatisticsWhichTheFirstUpdateReplaces()
    {
        using var model = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);
        using var first = torch.rand(8, 3, 32, 32, generator: new torch.Generator(7));
        using var second = torch.rand(8, 3, 32, 32, generator: new torch.Generator(8)) * 3;
        model.eval();
        model.InitializeBatchNorm(first);
        Assert.False(model.training);
        var (mean, variance) = FirstLayerStatistics(model, first);
        Assert.Equal(mean, Buffer(model, "bn1.running_mean"), (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(variance, Buffer(model, "bn1.running_var"), (a, b) => Math.Abs(a - b) < 1e-5 * Math.Max(1, Math.Abs(a)));
        Assert.All(Buffer(model, "bn1.hidden_mean"), x => Assert.Equal(0, x));
        Assert.Equal(0, Buffer(model, "bn1.num_batches_tracked")[0]);
        model.train();
        model.forward(second).Dispose();
        var (mean2, _) = FirstLayerStatistics(model, second);
        Assert.Equal(mean2, Buffer(model, "bn1.running_mean"), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void EvalModeReadsTheAverageAndChangesNothing()
    {
        using var model = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);
        using var x = torch.rand(8, 3, 32, 32);
        model.train();
        model.forward(x).Dispose();
        model.eval();
        var before = model.named_buffers().Select(b => b.buffer.clone()).ToList();
        model.forward(x).Dispose();
        Assert.All(model.named_buffers().Zip(before), p => Assert.True(p.First.buffer.BitEqual(p.Second)));
        foreach (var b in before) b.Dispose();
    }

    [Fact]
    public void AStandardChildTrainsWithItsParentsStatisticsUnlessLoose()
    {
        using var seen = torch.rand(8, 3, 32, 32);
        using var x = torch.rand(8, 3, 32, 32) * 2;
        var parent = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);
        using (torch.no_grad()) parent.named_parameters().Single(p => p.name == "linear.weight").parameter.normal_(); // the head starts at 0: logits would not see BN
        parent.train();
        parent.forward(seen).Dispose();
        parent.eval();
        using var frozen = DynamicsKind.Of(Dynamics.Standard).CreateChild(parent.Clone(), JvpRoute.TangentPropagation);
        using var loose = DynamicsKind.Of(Dynamics.Standard).CreateChild(parent.Clone(), JvpRoute.TangentPropagation, looseBatchNorm: true);
        frozen.SetTraining(true);
        loose.SetTraining(true);
        using var expected = parent.forward(x);
        using (var y = frozen.forward(x)) Assert.True(y.BitEqual(expected)); // running statistics, not the batch's
        Assert.True(((StandardClassifier)frozen).Model.named_buffers().Zip(parent.named_buffers()).All(p => p.First.buffer.BitEqual(p.Second.buffer)));
        using (var y = loose.forward(x)) Assert.False(y.BitEqual(expected));
        Assert.Throws<ArgumentException>(() => DynamicsKind.Of(Dynamics.Centered).CreateChild(parent.Clone(), JvpRoute.TangentPropagation, looseBatchNorm: true));
        parent.Dispose();
    }
}

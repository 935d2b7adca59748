using NtkRepro.Models;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using NtkRepro.Util;
using Xunit;

namespace NtkRepro.Tests.Models;

[Tier(TestTier.Fast)]
public class ModelTests
{
    [Fact]
    public void ResNet18StandardWidthHasPyTorchParameterCount()
    {
        using var model = new ModelSpec(ModelSpec.ResNet18, 64, 10).Create(0);
        // torchvision-style CIFAR ResNet-18 (no conv bias, BN affine, linear with bias).
        Assert.Equal(11_173_962, model.ParameterCount());
    }

    [Fact]
    public void SmallCnnParameterCountMatchesItsDocumentation()
    {
        using var model = new ModelSpec(ModelSpec.SmallCnn, 16, 10).Create(0);
        Assert.Equal(33_626, model.ParameterCount());
    }

    [Theory]
    [InlineData(ModelSpec.ResNet18, 4)]
    [InlineData(ModelSpec.SmallCnn, 8)]
    public void HeadStartsAtZeroSoLogitsStartAtZero(string arch, int width)
    {
        using var model = new ModelSpec(arch, width, 10).Create(0);
        model.eval();
        var head = model.named_parameters().Where(p => p.name.StartsWith("linear.")).ToList();
        Assert.Equal(2, head.Count);
        Assert.All(head, p => Assert.Equal(0f, p.parameter.abs().max().item<float>()));
        using var x = torch.rand(3, 3, 32, 32);
        using var y = model.forward(x);
        Assert.Equal(new long[] { 3, 10 }, y.shape);
        Assert.Equal(0f, y.abs().max().item<float>());
    }

    [Fact]
    public void SameSeedSameWeights()
    {
        using var a = new ModelSpec(ModelSpec.SmallCnn, 8, 10).Create(5);
        using var b = new ModelSpec(ModelSpec.SmallCnn, 8, 10).Create(5);
        using var c = new ModelSpec(ModelSpec.SmallCnn, 8, 10).Create(6);
        Assert.All(a.parameters().Zip(b.parameters()), p => Assert.True(p.First.BitEqual(p.Second)));
        Assert.False(a.parameters().Zip(c.parameters()).All(p => p.First.BitEqual(p.Second)));
    }

    [Fact]
    public void TrainModeBatchNormUpdatesRunningStatisticsWithMomentumPointOne()
    {
        using var model = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);
        model.train();
        var bn = model.named_buffers().Single(b => b.name == "bn1.running_mean").buffer;
        var conv = model.named_parameters().Single(p => p.name == "conv1.weight").parameter;
        using var x = torch.rand(16, 3, 32, 32);
        using var convOut = torch.nn.functional.conv2d(x, conv, padding: [1, 1]);
        using var expected = 0.1 * convOut.mean([0, 2, 3]); // running mean starts at 0
        model.forward(x).Dispose();
        Assert.True(torch.allclose(bn, expected, rtol: 1e-4, atol: 1e-6));
        model.eval();
        using var before = bn.clone();
        model.forward(x).Dispose();
        Assert.True(before.BitEqual(bn));
    }

    [Fact]
    public void UnknownArchitectureIsRejectedWithTheName()
    {
        var e = Assert.Throws<ArgumentException>(() => new ModelSpec("vgg", 1, 10).Create(0));
        Assert.Contains("'vgg'", e.Message);
    }
}

[Tier(TestTier.Fast)]
public class InitTests
{
    [Fact]
    public void FanInTruncatedNormalHasUnitFanInVarianceAndTwoSigmaSupport()
    {
        torch.manual_seed(0);
        using var w = torch.empty(400, 100);
        NtkRepro.Models.Init.FanInTruncatedNormal(w, 100);
        double std = w.std().ToDouble();
        Assert.Equal(0.1, std, 0.002);                   // variance 1/fan_in
        double bound = 2 * 0.1 / 0.87962566103423978;    // ±2σ of the untruncated normal
        Assert.True(w.abs().max().ToDouble() <= bound + 1e-6);
        Assert.True(w.abs().max().ToDouble() > 0.95 * bound);
    }
}

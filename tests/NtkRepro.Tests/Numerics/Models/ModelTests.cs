using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Numerics.Models;

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
    public void FanInTruncatedNormalIsHaikusTruncatedNormalWithSigmaOneOverRootFanIn()
    {
        torch.manual_seed(0);
        using var w = torch.empty(400, 100);
        NtkRepro.Numerics.Models.Init.FanInTruncatedNormal(w, 100);
        // σ = 1/√100 = 0.1 before truncation at ±2σ; the truncated normal's standard deviation is 0.8796σ.
        Assert.Equal(0.1 * 0.87962566103423978, w.std().ToDouble(), 0.002);
        Assert.True(w.abs().max().ToDouble() <= 0.2 + 1e-6);
        Assert.True(w.abs().max().ToDouble() > 0.95 * 0.2);
    }
}

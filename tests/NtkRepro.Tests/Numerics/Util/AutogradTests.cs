using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Util;

/// <summary>Each case below would abort the process if it reached libtorch unchecked.</summary>
[Tier(TestTier.Fast)]
public class AutogradTests
{
    [Fact]
    public void ARequiredGradientOfAnUnconnectedInputIsAnErrorNamingIt()
    {
        var a = torch.ones(3, dtype: float64).requires_grad_(true);
        var b = torch.ones(3, dtype: float64).requires_grad_(true);
        var e = Assert.Throws<DisconnectedGradientException>(() => Autograd.Grad([(a * 2).sum()], [a, b], inputNames: ["a", "b"]));
        Assert.Contains("w.r.t. b does not exist", e.Message);
    }

    [Fact]
    public void GradOrZeroGivesZeroWhereTheOutputDoesNotDepend()
    {
        var a = torch.ones(3, dtype: float64).requires_grad_(true);
        var b = torch.ones(3, dtype: float64).requires_grad_(true);
        var g = Autograd.GradOrZero([(a * 2).sum()], [a, b]);
        Assert.Equal(new double[] { 2, 2, 2 }, g[0].data<double>().ToArray());
        Assert.Equal(new double[] { 0, 0, 0 }, g[1].data<double>().ToArray());
    }

    [Fact]
    public void AnOutputWithoutAGraphIsDisconnectedNotAnAbort()
    {
        var a = torch.ones(3, dtype: float64).requires_grad_(true);
        Tensor constant;
        using (torch.no_grad()) constant = (a * 2).sum();
        Assert.Throws<DisconnectedGradientException>(() => Autograd.Grad([constant], [a]));
        Assert.Equal(0, Autograd.GradOrZero([constant], [a])[0].abs().sum().ToDouble());
        // A graph-less output beside a connected one contributes nothing.
        Assert.Equal(3, Autograd.Grad([constant, a.sum()], [a])[0].sum().ToDouble());
    }

    [Fact]
    public void AnInputThatDoesNotRequireGradIsRejected()
    {
        var a = torch.ones(3, dtype: float64);
        Assert.Contains("does not require grad", Assert.Throws<ArgumentException>(() => Autograd.Grad([a.sum()], [a], inputNames: ["a"])).Message);
    }
}

using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Training;

[Tier(TestTier.Fast)]
public class MomentumSgdTests
{
    [Fact]
    public void MatchesTorchSgdStepForStep()
    {
        torch.manual_seed(0);
        var a = new Parameter(torch.randn(5, 3, dtype: float64));
        var b = new Parameter(a.detach().clone());
        var ours = new MomentumSgd([a], 0.1, 0.9);
        var theirs = torch.optim.SGD([b], 0.1, momentum: 0.9);
        for (int step = 0; step < 6; step++)
        {
            var target = torch.randn(5, 3, dtype: float64);
            ours.ZeroGrad(); (a - target).pow(3).sum().backward(); ours.Step();
            theirs.zero_grad(); (b - target).pow(3).sum().backward(); theirs.step();
            Assert.True((a - b).abs().max().ToDouble() < 1e-12, $"step {step}");
        }
    }

    [Fact]
    public void StateRoundTripContinuesIdentically()
    {
        torch.manual_seed(1);
        var p = new Parameter(torch.randn(4, dtype: float64));
        var first = new MomentumSgd([p], 0.05, 0.9);
        static void StepOn(Parameter x, MomentumSgd o, int k) { o.ZeroGrad(); (x * (k + 1)).pow(2).sum().backward(); o.Step(); }
        StepOn(p, first, 0);
        // A restarted process: same parameter values, momentum restored from the saved state.
        var q = new Parameter(p.detach().clone());
        var second = new MomentumSgd([q], 0.05, 0.9);
        second.LoadState(first.State());
        for (int k = 1; k < 4; k++) { StepOn(p, first, k); StepOn(q, second, k); }
        Assert.True(p.BitEqual(q));
    }

    [Fact]
    public void RejectsBadHyperParameters()
    {
        var p = new Parameter(torch.zeros(1));
        Assert.Throws<ArgumentException>(() => new MomentumSgd([p], 0, 0.9));
        Assert.Throws<ArgumentException>(() => new MomentumSgd([p], 0.1, 1.0));
    }
}

using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static NtkRepro.Tests.Infrastructure.TestNets;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Linearization;

[Tier(TestTier.Fast)]
public class LinearizedClassifierTests
{
    private static void SetTheta(LinearizedClassifier c, IReadOnlyList<Tensor> delta, double a)
    {
        using var _ = torch.no_grad();
        var parent = c.Parent.ParameterList();
        for (int i = 0; i < parent.Count; i++) c.Trainable[i].copy_(parent[i] + delta[i] * a);
    }

    [Theory]
    [InlineData(JvpRoute.TangentPropagation)]
    [InlineData(JvpRoute.DoubleBackward)]
    public void AtTheParentLinearizedEqualsTheNetworkAndCenteredIsExactlyZero(JvpRoute route)
    {
        using var model = SmallCnn();
        using var x = torch.rand(5, 3, 32, 32, dtype: float64);
        using var lin = new LinearizedClassifier(model, Dynamics.Linearized, route);
        using var cen = new LinearizedClassifier(model, Dynamics.Centered, route);
        Assert.True(RelErr(lin.forward(x), model.forward(x)) < 1e-12);
        Assert.Equal(0.0, MaxAbs(cen.forward(x)));
    }

    [Theory]
    [InlineData("small-cnn")]
    [InlineData("resnet18")]
    public void LinearizationErrorIsSecondOrder(string net)
    {
        using var model = ByName(net);
        using var x = torch.rand(4, 3, 32, 32, dtype: float64);
        var delta = RandomTangents(model, 3, scale: 0.05);
        using var lin = new LinearizedClassifier(model, Dynamics.Linearized);
        double Error(double a)
        {
            SetTheta(lin, delta, a);
            using var shifted = Shifted(model, delta, a);
            return MaxAbs(lin.forward(x) - shifted.forward(x));
        }
        // The error shrinks as a power of the step: 2 for a smooth network; ReLU kinks that the
        // step crosses pull it below 2 in these narrow nets, a wrong first-order term to 1. The
        // least-squares slope of log error on log step over four halvings tells them apart.
        double[] steps = [1, 0.5, 0.25, 0.125];
        var points = steps.Select(a => (X: Math.Log(a), Y: Math.Log(Error(a)))).ToList();
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double slope = points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
        Assert.InRange(slope, 1.5, 2.5);
    }

    [Fact]
    public void CenteredIsLinearInTheParameterOffset()
    {
        using var model = ResNet();
        using var x = torch.rand(3, 3, 32, 32, dtype: float64);
        var d1 = RandomTangents(model, 1, 0.1);
        var d2 = RandomTangents(model, 2, 0.1);
        using var cen = new LinearizedClassifier(model, Dynamics.Centered);
        SetTheta(cen, d1, 1); var f1 = cen.forward(x).detach();
        SetTheta(cen, d2, 1); var f2 = cen.forward(x).detach();
        SetTheta(cen, d1.Zip(d2, (a, b) => 2 * a - 3 * b).ToList(), 1);
        var f12 = cen.forward(x).detach();
        Assert.True(RelErr(f12, 2 * f1 - 3 * f2) < 1e-10);
    }

    [Fact]
    public void TrainingMovesThetaButNeverTheParentOrItsStatistics()
    {
        using var model = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);
        model.train();
        model.forward(torch.rand(16, 3, 32, 32)).Dispose();
        model.eval();
        using var child = new LinearizedClassifier(model, Dynamics.Centered);
        child.train(); // TorchSharp's inherited switch must not unfreeze the parent's BN
        Assert.False(child.Parent.training);
        var parentState = child.Parent.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var theta0 = child.Trainable.Select(p => p.detach().clone()).ToList();
        var opt = torch.optim.SGD(child.Trainable, 0.1, momentum: 0.9);
        for (int step = 0; step < 3; step++)
        {
            using var scope = torch.NewDisposeScope();
            opt.zero_grad();
            var loss = nn.functional.cross_entropy(child.forward(torch.rand(8, 3, 32, 32)), torch.randint(0, 10, [8]));
            loss.backward();
            opt.step();
        }
        Assert.All(parentState, kv => Assert.True(kv.Value.BitEqual(child.Parent.state_dict()[kv.Key]), kv.Key));
        Assert.Contains(child.Trainable.Zip(theta0), p => !p.First.BitEqual(p.Second));
        Assert.All(child.Parent.ParameterList(), p => Assert.Null(p.grad));
        child.Parent.forward(torch.rand(8, 3, 32, 32)).Dispose(); // eval mode: running statistics untouched
        Assert.All(parentState, kv => Assert.True(kv.Value.BitEqual(child.Parent.state_dict()[kv.Key]), kv.Key));
    }

    [Fact]
    public void AStandardClassifiersSwitchesAllReachItsNetwork()
    {
        using var standard = new StandardClassifier(new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0));
        standard.eval();
        Assert.False(standard.Model.training);
        standard.train();
        Assert.True(standard.IsTraining && standard.Model.training);
    }

    [Fact]
    public void GradientsAgreeAcrossRoutesForTrainingAndForTheInput()
    {
        using var model = SmallCnn();
        var delta = RandomTangents(model, 4, 0.05);
        using var x = torch.rand(3, 3, 32, 32, dtype: float64);
        (List<Tensor> Theta, Tensor Input) Grads(JvpRoute route)
        {
            using var lin = new LinearizedClassifier(model, Dynamics.Linearized, route);
            SetTheta(lin, delta, 1);
            var xi = x.clone().requires_grad_(true);
            var loss = (lin.forward(xi) * torch.arange(1, 4, dtype: float64)).sum();
            var grads = Autograd.Grad([loss], lin.Trainable.Cast<Tensor>().Append(xi).ToArray());
            return (grads.Take(grads.Length - 1).ToList(), grads[^1]);
        }
        var fast = Grads(JvpRoute.TangentPropagation);
        var reference = Grads(JvpRoute.DoubleBackward);
        Assert.True(RelErr(fast.Input, reference.Input) < 1e-9);
        for (int i = 0; i < fast.Theta.Count; i++)
            Assert.True(RelErr(fast.Theta[i], reference.Theta[i]) < 1e-9, $"parameter {i}");
    }

    [Fact]
    public void InputGradientMatchesFiniteDifferences()
    {
        using var model = PoolNet();
        using var lin = new LinearizedClassifier(model, Dynamics.Linearized);
        SetTheta(lin, RandomTangents(model, 9, 0.1), 1);
        using var x = torch.rand(2, 3, 32, 32, dtype: float64);
        var xi = x.clone().requires_grad_(true);
        var g = Autograd.Grad([lin.forward(xi).sum()], [xi])[0];
        using var dir = torch.randn_like(x);
        const double h = 1e-6;
        double fd = ((lin.forward(x + h * dir).sum() - lin.forward(x - h * dir).sum()) / (2 * h)).ToDouble();
        Assert.Equal(fd, (g * dir).sum().ToDouble(), 1e-6 * Math.Max(1, Math.Abs(fd)));
    }
}

using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Linearization;

/// <summary>A wiring defect in a model is an error naming the parameter, in every differentiation route.</summary>
[Tier(TestTier.Fast)]
public class MiswiredModelTests
{
    private static readonly Tensor X = torch.rand(2, 3, 32, 32, dtype: float64);

    private static List<Tensor> Tangents(NtkRepro.Numerics.Models.NtkModel model) => TestNets.RandomTangents(model, seed: 1);

    [Fact]
    public void AParameterTheTangentPassNeverReachesIsNamed()
    {
        using var model = MiswiredNets.Build(new UnusedHeadNet());
        var e = Assert.Throws<InvalidOperationException>(() => Jvp.TangentPropagation(model, X, Tangents(model)));
        Assert.Contains("'unused.weight'", e.Message);
    }

    [Fact]
    public void ALayerParameterWithoutATangentIsNamed()
    {
        using var model = MiswiredNets.Build(new UnregisteredLayerNet());
        var e = Assert.Throws<InvalidOperationException>(() => Jvp.TangentPropagation(model, X, Tangents(model)));
        Assert.Contains("'hidden.weight' has no tangent", e.Message);
    }

    [Fact]
    public void SharedWeightsGetTheirTangentAtEveryUse()
    {
        using var model = MiswiredNets.Build(new SharedConvNet());
        var v = TestNets.UnitTangents(model, seed: 2);
        var (_, fast) = Jvp.TangentPropagation(model, X, v);
        var (_, reference) = Jvp.DoubleBackward(model, model.ParameterList().Cast<Tensor>().ToList(), X, v, createGraph: false);
        Assert.True(TestNets.RelErr(fast, reference) < 1e-10);
    }

    [Fact]
    public void DoubleBackwardRefusesAParameterTheOutputDoesNotDependOn()
    {
        using var model = MiswiredNets.Build(new UnusedHeadNet());
        var e = Assert.Throws<DisconnectedGradientException>(() =>
            Jvp.DoubleBackward(model, model.ParameterList().Cast<Tensor>().ToList(), X, Tangents(model), createGraph: false));
        Assert.Contains("input 2 of 4", e.Message); // unused.weight, the third parameter
    }

    [Fact]
    public void PerSampleRowsNameAParameterLeftUnwritten()
    {
        using var model = MiswiredNets.Build(new UnusedHeadNet());
        var e = Assert.Throws<InvalidOperationException>(() => PerSampleGradients.Rows(model, X, [0, 1]));
        Assert.Contains("no gradient written for parameter 'unused.weight' (columns 9219..18434)", e.Message);
        var bySample = Assert.Throws<DisconnectedGradientException>(() => PerSampleGradients.RowsBySample(model, X, [0]));
        Assert.Contains("unused.weight", bySample.Message);
    }

    [Fact]
    public void PerSampleRowsRefuseALayerOutsideTheModelAndSharedWeights()
    {
        using var unregistered = MiswiredNets.Build(new UnregisteredLayerNet());
        Assert.Contains("layer 'hidden' has a parameter that is not registered",
            Assert.Throws<InvalidOperationException>(() => PerSampleGradients.Rows(unregistered, X, [0])).Message);
        using var shared = MiswiredNets.Build(new SharedConvNet());
        Assert.Contains("parameter 'conv.weight' is used by two layer applications",
            Assert.Throws<InvalidOperationException>(() => PerSampleGradients.Rows(shared, X, [0])).Message);
    }
}

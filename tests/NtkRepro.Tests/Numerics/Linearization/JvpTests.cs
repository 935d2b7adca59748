using NtkRepro.Numerics.Linearization;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static NtkRepro.Tests.Infrastructure.TestNets;

namespace NtkRepro.Tests.Numerics.Linearization;

/// <summary>Both JVP routes against float64 central finite differences and against each other.</summary>
[Tier(TestTier.Fast)]
public class JvpTests
{
    [Theory]
    [MemberData(nameof(TestNets.AllNets), MemberType = typeof(TestNets))]
    public void TangentPropagationMatchesCentralFiniteDifferences(string net)
    {
        using var model = ByName(net);
        using var x = torch.rand(4, 3, 32, 32, dtype: torch.float64);
        var v = UnitTangents(model, seed: 11);
        var (y, jv) = Jvp.TangentPropagation(model, x, v);
        // With ‖v‖ = 1, small enough that no ReLU input changes sign between θ − hv and θ + hv
        // (a kink breaks the finite difference, not the JVP), large enough for float64 round-off.
        const double h = 1e-7;
        using var plus = Shifted(model, v, h);
        using var minus = Shifted(model, v, -h);
        using var fd = (plus.forward(x) - minus.forward(x)) / (2 * h);
        Assert.True(RelErr(y, model.forward(x)) < 1e-12, $"primal differs: {RelErr(y, model.forward(x))}");
        Assert.True(MaxAbs(jv) > 1e-4, "tangent is trivially small");
        Assert.True(RelErr(jv, fd) < 1e-5, $"{net}: JVP vs finite differences relative error {RelErr(jv, fd)}");
    }

    [Theory]
    [MemberData(nameof(TestNets.AllNets), MemberType = typeof(TestNets))]
    public void BothRoutesAgree(string net)
    {
        using var model = ByName(net);
        using var x = torch.rand(3, 3, 32, 32, dtype: torch.float64);
        var v = RandomTangents(model, seed: 5);
        var (_, fast) = Jvp.TangentPropagation(model, x, v);
        var (_, reference) = Jvp.DoubleBackward(model, model.ParameterList().Cast<torch.Tensor>().ToList(), x, v, createGraph: false);
        Assert.True(RelErr(fast, reference) < 1e-10, $"{net}: routes differ by {RelErr(fast, reference)}");
    }

    [Fact]
    public void MismatchedTangentsAreRejected()
    {
        using var model = Mlp();
        var v = RandomTangents(model, 0);
        using var x = torch.rand(1, 3, 32, 32, dtype: torch.float64);
        Assert.Throws<ArgumentException>(() => Jvp.TangentPropagation(model, x, v.Take(1).ToList()));
        v[0] = torch.zeros(3, dtype: torch.float64);
        var e = Assert.Throws<ArgumentException>(() => Jvp.TangentPropagation(model, x, v));
        Assert.Contains("shape", e.Message);
    }
}

using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static NtkRepro.Tests.Infrastructure.TestNets;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Eigenimages;

[Tier(TestTier.Fast)]
public class EigenDirectionsTests
{
    [Fact]
    public void EigenpairsAreTheTopOnesInDescendingOrder()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var a = torch.randn(7, 7, dtype: float64);
        var k = torch.mm(a, a.T);
        using var eig = EigenDirections.Top(k, 3);
        var all = torch.linalg.eigvalsh(k);
        for (int i = 0; i < 3; i++)
        {
            var u = eig.Vectors[.., i];
            double lambda = eig.Values[i].ToDouble();
            Assert.Equal(all[6 - i].ToDouble(), lambda, 10);
            Assert.True(MaxAbs(torch.mv(k, u) - lambda * u) < 1e-10 * lambda, $"K u_{i} ≠ λ u_{i}");
            Assert.True(u[u.abs().argmax()].ToDouble() > 0, "sign convention: the largest entry is positive");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void DirectionEqualsTheExplicitJacobianProduct(int c)
    {
        // J_c built row by row (one backward per sample), then J_cᵀu_i, against the one-VJP route (chunked).
        using var scope = torch.NewDisposeScope();
        using var model = SmallCnn();
        var x = torch.rand(6, 3, 32, 32, dtype: float64);
        var kernel = EmpiricalNtk.ClassPair(model, x, c, c);
        using var eig = EigenDirections.Top(kernel, 3);
        var j = PerSampleGradients.RowsBySample(model, x, [c])[.., 0];       // (N, P)
        Assert.True(RelErr(torch.mm(j, j.T), kernel) < 1e-10, "the Jacobian and the kernel disagree");
        for (int i = 0; i < 3; i++)
        {
            var u = eig.Vectors[.., i];
            var explicitProduct = torch.mv(j.T, u);
            var vjp = EigenDirections.ParameterDirection(model, x, c, u, chunk: 4);
            Assert.True(RelErr(vjp, explicitProduct) < 1e-10, $"eigenvector {i}: J_cᵀu by VJP differs by {RelErr(vjp, explicitProduct)}");
            // ‖J_cᵀu‖² = uᵀKu = λ.
            Assert.Equal(1.0, vjp.pow(2).sum().ToDouble() / eig.Values[i].ToDouble(), 8);
        }
        // Another class's Jacobian gives another direction: the comparison can fail.
        var other = PerSampleGradients.RowsBySample(model, x, [1])[.., 0];
        var wrong = torch.mv(other.T, eig.Vectors[.., 0]);
        Assert.True(RelErr(EigenDirections.ParameterDirection(model, x, c, eig.Vectors[.., 0]), wrong) > 1e-3);
    }

    [Fact]
    public void RegressionWeightsSolveTheKernelSystem()
    {
        using var scope = torch.NewDisposeScope();
        using var model = SmallCnn();
        var x = torch.rand(6, 3, 32, 32, dtype: float64);
        var kernel = EmpiricalNtk.ClassPair(model, x, 1, 1);
        var y = torch.tensor(new double[] { 1, 0, 0, 1, 0, 0 }, dtype: float64);
        using var exact = EigenDirections.Regression(kernel, y, 0);
        Assert.Equal(0, exact.Ridge);
        double residual = (torch.mv(kernel, exact.Weights) - y).norm().ToDouble() / y.norm().ToDouble();
        Assert.True(residual < 1e-8, $"K·a − y relative residual {residual}");
        Assert.Equal(residual, exact.RelativeResidual, 12);
        // With a ridge the reported residual is still measured against K alone, and is larger.
        using var ridged = EigenDirections.Regression(kernel, y, 1e-1);
        double r2 = (torch.mv(kernel, ridged.Weights) - y).norm().ToDouble() / y.norm().ToDouble();
        Assert.Equal(r2, ridged.RelativeResidual, 12);
        Assert.True(r2 > 1e-4, "a ridge of 0.1 must leave a visible residual");
        Assert.True(exact.ConditionNumber >= 1);
    }

    [Fact]
    public void SingularKernelGivesThePseudoInverseSolution()
    {
        // K = AAᵀ of rank 2 (like the initial kernel of a zero-head network, whose rank is the feature count + 1).
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        var a = torch.randn(8, 2, dtype: float64);
        var k = torch.mm(a, a.T);
        var y = torch.tensor(new double[] { 1, 1, 0, 0, 0, 0, 0, 0 }, dtype: float64);
        using var solve = EigenDirections.Regression(k, y, 0);
        Assert.Equal(2, solve.Kept);
        var gramInverse = torch.linalg.inv(torch.mm(a.T, a));
        var pinv = torch.mm(torch.mm(a, torch.mm(gramInverse, gramInverse)), a.T); // (AAᵀ)⁺ = A(AᵀA)⁻²Aᵀ
        Assert.True(RelErr(solve.Weights, torch.mv(pinv, y)) < 1e-8, $"a differs from K⁺y by {RelErr(solve.Weights, torch.mv(pinv, y))}");
        var projected = torch.mv(torch.mm(k, pinv), y);
        double expected = (projected - y).norm().ToDouble() / y.norm().ToDouble();
        Assert.Equal(expected, solve.RelativeResidual, 8);
        Assert.True(expected is > 0.1 and < 1, "y is not in the range of a rank-2 K");
        // Without the cutoff the null space's round-off is amplified: the weights blow up.
        using var uncut = EigenDirections.Regression(k, y, 1e-12, relativeCutoff: 0);
        Assert.True(uncut.Weights.norm().ToDouble() > 1e3 * solve.Weights.norm().ToDouble());
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        using var k = torch.eye(4, dtype: float64);
        Assert.Contains("5 eigenvectors", Assert.Throws<ArgumentException>(() => EigenDirections.Top(k, 5)).Message);
        Assert.Contains("square", Assert.Throws<ArgumentException>(() => EigenDirections.Top(torch.ones(2, 3), 1)).Message);
        Assert.Contains("ridge", Assert.Throws<ArgumentException>(() => EigenDirections.Regression(k, torch.ones(4), -1)).Message);
    }
}

using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static NtkRepro.Tests.Infrastructure.TestNets;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Eigenimages;

[Tier(TestTier.Fast)]
public class GradientCosineTests
{
    [Theory]
    [InlineData("small-cnn")]
    [InlineData("resnet18")]
    [InlineData("mlp")]
    public void BatchedCosinesAndTheirImageGradientsEqualThePerImageRoute(string net)
    {
        using var scope = torch.NewDisposeScope();
        using var model = ByName(net);
        long p = PerSampleGradients.ParameterCount(model);
        torch.manual_seed(3);
        var directions = torch.randn(3, p, dtype: float64);
        var x = torch.rand(3, 3, 32, 32, dtype: float64).requires_grad_(true);
        using var enable = torch.enable_grad();
        var batched = GradientCosine.Batched(model, x, 1, directions);
        var perImage = GradientCosine.PerImage(model, x, 1, directions);
        Assert.True(RelErr(batched, perImage) < 1e-10, $"{net}: cosines differ by {RelErr(batched, perImage)}");
        // The value is the cosine of the explicit Jacobian row.
        var rows = PerSampleGradients.RowsBySample(model, x.detach(), [1])[.., 0];
        var explicitCos = (rows * directions).sum(1) / (rows.pow(2).sum(1).sqrt() * directions.pow(2).sum(1).sqrt());
        Assert.True(RelErr(batched.detach(), explicitCos) < 1e-10);
        // Double backward: the gradient w.r.t. each image is its own cosine's gradient.
        var signs = torch.tensor(new double[] { 1, -1, 1 }, dtype: float64);
        var gb = Autograd.Grad([(batched * signs).sum()], [x])[0];
        var gp = Autograd.Grad([(perImage * signs).sum()], [x])[0];
        Assert.True(MaxAbs(gb) > 0, "the image gradient is zero");
        Assert.True(RelErr(gb, gp) < 1e-9, $"{net}: image gradients differ by {RelErr(gb, gp)}");
    }

    [Fact]
    public void ImageGradientMatchesAFiniteDifference()
    {
        using var scope = torch.NewDisposeScope();
        using var model = SmallCnn();
        long p = PerSampleGradients.ParameterCount(model);
        torch.manual_seed(4);
        var directions = torch.randn(1, p, dtype: float64);
        var x0 = torch.rand(1, 3, 32, 32, dtype: float64);
        var dx = torch.randn(1, 3, 32, 32, dtype: float64);
        Tensor grad;
        using (torch.enable_grad())
        {
            var x = x0.clone().requires_grad_(true);
            grad = Autograd.Grad([GradientCosine.Batched(model, x, 0, directions).sum()], [x])[0];
        }
        double h = 1e-5;
        double Cos(Tensor at) { using var _ = torch.enable_grad(); return GradientCosine.PerImage(model, at, 0, directions).detach()[0].ToDouble(); }
        double fd = (Cos(x0 + h * dx) - Cos(x0 - h * dx)) / (2 * h);
        double analytic = (grad * dx).sum().ToDouble();
        Assert.True(Math.Abs(fd - analytic) < 1e-6 * Math.Max(1, Math.Abs(fd)), $"finite difference {fd} vs double backward {analytic}");
    }
}

using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static NtkRepro.Tests.Infrastructure.TestNets;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Eigenimages;

[Tier(TestTier.Fast)]
public class EigenImageAscentTests
{
    [Fact]
    public void CosineRisesAlongTheAscentAndFallsAlongTheDescent()
    {
        using var scope = torch.NewDisposeScope();
        using var model = SmallCnn();
        var x = torch.rand(6, 3, 32, 32, dtype: float64);
        var kernel = EmpiricalNtk.ClassPair(model, x, 1, 1);
        using var eig = EigenDirections.Top(kernel, 1);
        var v = EigenDirections.ParameterDirection(model, x, 1, eig.Vectors[.., 0]);
        using var result = EigenImageAscent.Run(model, 1, torch.stack([v, v]), [1, -1], [3, 32, 32], new(Steps: 50, RecordEvery: 50));
        var up = result.Trajectories[0];
        var down = result.Trajectories[1];
        Assert.Equal([0, 50], up.Select(p => p.Step));
        Assert.Equal(up[0].Cosine, down[0].Cosine, 12); // both start from the same grey image
        Assert.True(up[^1].Cosine > up[0].Cosine + 1e-3, $"ascent: cos {up[0].Cosine} → {up[^1].Cosine}");
        Assert.True(down[^1].Cosine < down[0].Cosine - 1e-3, $"descent: cos {down[0].Cosine} → {down[^1].Cosine}");
        Assert.True(result.Images.min().ToDouble() >= 0 && result.Images.max().ToDouble() <= 1);
        // Each pixel moves by at most steps × step size from grey.
        Assert.True(MaxAbs(result.Images - 0.5) <= 50 * 0.001 + 1e-6);
    }

    [Fact]
    public void BatchedAndPerImageAscentsDrawTheSameImages()
    {
        using var scope = torch.NewDisposeScope();
        using var model = SmallCnn();
        torch.manual_seed(8);
        var directions = torch.randn(2, PerSampleGradients.ParameterCount(model), dtype: float64);
        using var batched = EigenImageAscent.Run(model, 2, directions, [1, -1], [3, 32, 32], new(Steps: 4, StepSize: 0.01, RecordEvery: 1));
        using var single = EigenImageAscent.Run(model, 2, directions, [1, -1], [3, 32, 32], new(Steps: 4, StepSize: 0.01, RecordEvery: 1, Batched: false));
        Assert.True(MaxAbs(batched.Images - single.Images) < 1e-6);
        for (int b = 0; b < 2; b++)
            Assert.Equal(single.Trajectories[b].Select(p => Math.Round(p.Cosine, 9)), batched.Trajectories[b].Select(p => Math.Round(p.Cosine, 9)));
    }

    [Fact]
    public void RunDrawsEveryColumnAndTheResultSerialises()
    {
        using var scope = torch.NewDisposeScope();
        using var model = SmallCnn();
        var x = torch.rand(6, 3, 32, 32, dtype: float64);
        long[] labels = [0, 1, 2, 0, 1, 2];
        var config = new EigenImageConfig(Eigenvectors: 2, Negatives: 1, Regression: true, RelativeRidge: 0, Ascent: new(Steps: 3, RecordEvery: 2));
        var result = EigenImages.Run(model, x, labels, 1, config, NtkRepro.Numerics.Util.NullProgress.Instance, label: "test");
        Assert.Equal(["u1", "u2", "-u1", "regression"], result.Images.Select(i => i.Column));
        Assert.Equal(EigenImages.Columns(config), result.Images.Select(i => i.Column));
        Assert.Equal([0, 2, 3], result.Images[0].Trajectory.Select(p => p.Step));
        Assert.True(result.Eigenvalues[0] >= result.Eigenvalues[1]);
        Assert.Equal(2, result.Regression!.Positives);
        Assert.True(result.Regression.RelativeResidual < 1e-6);
        Assert.All(result.Images, i => Assert.Equal(3 * 32 * 32, i.Pixels.Length));
        var json = NtkRepro.Numerics.Util.Json.Serialize(result);
        Assert.Contains("\"lowFrequencyEnergy\"", json);
        Assert.DoesNotContain("pixels", json);
        var dir = TestData.TempDir("eigen-grid");
        var png = Path.Combine(dir, "grid.png");
        EigenImages.WriteGrid(png, [result, result], scale: 2);
        var (w, h) = PngWriterTests.Dimensions(File.ReadAllBytes(png));
        Assert.Equal((4 + 4 * (64 + 4), 4 + 2 * (64 + 4)), (w, h));
    }

    [Fact]
    public void BadConfigurationIsNamed()
    {
        Assert.Contains("negatives 4", Assert.Throws<ArgumentException>(() => new EigenImageConfig(Eigenvectors: 3, Negatives: 4).Validate(10)).Message);
        Assert.Contains("eigenvectors 11", Assert.Throws<ArgumentException>(() => new EigenImageConfig(Eigenvectors: 11).Validate(10)).Message);
        Assert.Contains("step size", Assert.Throws<ArgumentException>(() => new EigenImageAscent.Options(StepSize: 0).Validate()).Message);
    }
}

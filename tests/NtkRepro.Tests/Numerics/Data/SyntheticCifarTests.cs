using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Numerics.Data;

[Tier(TestTier.Fast)]
public class SyntheticCifarTests
{
    [Fact]
    public void IsSeededCifarShapedAndInRange()
    {
        var (train, test) = SyntheticCifar.Create(20, 5, seed: 7);
        var (train2, _) = SyntheticCifar.Create(20, 5, seed: 7);
        var (train3, _) = SyntheticCifar.Create(20, 5, seed: 8);
        Assert.Equal(new long[] { 200, 3, 32, 32 }, train.Images.shape);
        Assert.Equal(50, test.Count);
        Assert.True(train.Images.BitEqual(train2.Images));
        Assert.False(train.Images.BitEqual(train3.Images));
        Assert.True(train.Images.min().item<float>() >= 0 && train.Images.max().item<float>() <= 1);
    }

    [Fact]
    public void NonRobustFeatureIsBelowEpsilonAndRobustFeatureFarAbove()
    {
        const float eps = 4f / 255f;
        Assert.True(SyntheticCifar.NonRobustAmplitude < eps);
        Assert.True(SyntheticCifar.RobustAmplitude > 5 * eps);
    }

    [Fact]
    public void ClassesAreSeparableByNearestCentroid()
    {
        // Oracle: a task with a learnable signal lets class means classify held-out points.
        var (train, test) = SyntheticCifar.Create(50, 20, seed: 0);
        using var centroids = torch.stack(Enumerable.Range(0, 10).Select(c => train.Images[train.Labels == c].mean([0])).ToArray());
        using var d = torch.cdist(test.Images.flatten(1), centroids.flatten(1));
        var acc = d.argmin(1).eq(test.Labels).to(torch.float32).mean().item<float>();
        Assert.True(acc > 0.5, $"nearest-centroid accuracy {acc}");
    }
}

using NtkRepro.Numerics.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Data;

/// <summary>The real CIFAR-10 data in the data root, checked against its published facts.</summary>
[Tier(TestTier.Fast)]
public class CifarSubsetTests
{
    [CifarFact]
    public void TestSetStartsWithTheOfficialLabels()
    {
        using var test = TestData.Cifar10()!.LoadTest(10);
        Assert.Equal(new long[] { 3, 8, 8, 0, 6, 6, 1, 6, 3, 1 }, test.LabelArray());
    }

    [CifarFact]
    public void BalancedPrefixHasTheRequestedCountPerClass()
    {
        using var train = TestData.Cifar10()!.LoadTrain(perClass: 20);
        var labels = train.LabelArray();
        Assert.Equal(200, labels.Length);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(20, labels.Count(l => l == c)));
    }

    [CifarFact]
    public void PixelStatisticsMatchThePublishedOnes()
    {
        // The first 1000 official test images, whichever source holds them.
        using var test = TestData.Cifar10()!.LoadTest(1000);
        using var mean = test.Images.mean([0, 2, 3]) * 255;
        var m = mean.data<float>().ToArray();
        // From the data README: test_first1000_exact mean RGB 126.67 / 124.10 / 115.01.
        Assert.Equal(126.67, m[0], 0.01);
        Assert.Equal(124.10, m[1], 0.01);
        Assert.Equal(115.01, m[2], 0.01);
    }

    [CifarFact]
    public void InventoryVerifiesChecksums()
    {
        var root = DataRoot.Resolve()!;
        var reports = DataInventory.Inspect(root.Path);
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.True(r.Ok, string.Join("; ", r.Files.Select(f => f.Checksum + f.Error))));
    }
}

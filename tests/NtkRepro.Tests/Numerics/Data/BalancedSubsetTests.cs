using NtkRepro.Numerics.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Data;

[Tier(TestTier.Fast)]
public class BalancedSubsetTests
{
    private static readonly long[] Labels = Enumerable.Range(0, 1000).Select(i => (long)((i * 7) % 10)).ToArray();

    [Fact]
    public void TakesPerClassPointsGroupedByClassWithoutRepeats()
    {
        var idx = BalancedSubset.Sample(Labels, 50, seed: 1);
        Assert.Equal(500, idx.Length);
        Assert.Equal(500, idx.Distinct().Count());
        for (int c = 0; c < 10; c++)
            Assert.All(idx.Skip(50 * c).Take(50), i => Assert.Equal(c, Labels[i]));
    }

    [Fact]
    public void SameSeedSameSubsetOtherSeedOtherSubset()
    {
        Assert.Equal(BalancedSubset.Sample(Labels, 5, 3), BalancedSubset.Sample(Labels, 5, 3));
        Assert.NotEqual(BalancedSubset.Sample(Labels, 5, 3), BalancedSubset.Sample(Labels, 5, 4));
    }

    [Fact]
    public void RestrictsToRequestedClassesAndRejectsTooFewPoints()
    {
        var idx = BalancedSubset.Sample(Labels, 10, 0, classes: [2, 5]);
        Assert.Equal(20, idx.Length);
        Assert.All(idx, i => Assert.Contains(Labels[i], new long[] { 2, 5 }));
        var e = Assert.Throws<ArgumentException>(() => BalancedSubset.Sample(Labels, 101, 0));
        Assert.Contains("fewer than the 101 requested", e.Message);
    }
}

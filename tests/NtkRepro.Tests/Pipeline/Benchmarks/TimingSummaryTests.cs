using NtkRepro.Pipeline.Benchmarks;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Benchmarks;

[Tier(TestTier.Fast)]
public class TimingSummaryTests
{
    [Fact]
    public void MedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes()
    {
        Assert.Equal(new TimingSummary(3, 1, 9, 3), TimingSummary.Of([9, 1, 3]));
        Assert.Equal(new TimingSummary(4, 1, 9, 4), TimingSummary.Of([9, 1, 3, 5]));
    }

    [Fact]
    public void RatioIsOfTheMediansWithThePerRoundRange()
    {
        var r = RatioSummary.Of([10, 20, 30], [20, 10, 30]);
        Assert.Equal(1.0, r.OfMedians);
        Assert.Equal(0.5, r.Min);
        Assert.Equal(2.0, r.Max);
        Assert.Throws<ArgumentException>(() => RatioSummary.Of([1], [1, 2]));
    }
}

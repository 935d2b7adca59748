using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Training;

[Tier(TestTier.Fast)]
public class ScheduleTests
{
    [Fact]
    public void SwitchIsBenignBeforeAndAdversarialFromTheSwitchEpoch()
    {
        var s = Schedule.Parse("switch:50");
        Assert.False(s.IsAdversarial(49));
        Assert.True(s.IsAdversarial(50));
        Assert.False(Schedule.Parse("benign").IsAdversarial(0));
        Assert.True(Schedule.Parse("adversarial").IsAdversarial(0));
        Assert.Equal("switch:50", s.ToString());
        Assert.Contains("'switch'", Assert.Throws<ArgumentException>(() => Schedule.Parse("switch")).Message);
    }

    [Fact]
    public void DerivedSeedsAreStableAndDistinct()
    {
        Assert.Equal(Seeds.Derive(1, 2, 3), Seeds.Derive(1, 2, 3));
        Assert.NotEqual(Seeds.Derive(1, 2, 3), Seeds.Derive(1, 3, 2));
        var p = Seeds.Permutation(100, 5);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), p.Order());
        Assert.Equal(p, Seeds.Permutation(100, 5));
    }
}

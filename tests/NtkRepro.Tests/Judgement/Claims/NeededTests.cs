using NtkRepro.Judgement.Claims;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using V = NtkRepro.Judgement.Claims.Verdict;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>Missing results as values: how <see cref="Needed{T}"/> composes, and what each kind of gap makes of a claim.</summary>
[Tier(TestTier.Fast)]
public class NeededTests
{
    [Fact]
    public void PresentValuesComposeAndTheFirstGapStopsTheRest()
    {
        int calls = 0;
        Needed<int> Count(Needed<int> x) { calls++; return x; }
        var sum = from a in Count(2) from b in Count(3) select a * 10 + b;
        Assert.Equal(23, sum.Value);
        Assert.Equal(2, calls);
        calls = 0;
        var stopped = from a in Count(Gap.Missing("first")) from b in Count(Gap.NotTestable("second")) select a + b;
        Assert.Equal(1, calls);
        Assert.Equal(Gap.Missing("first"), stopped.Gap);
        Assert.Equal(7, stopped.Or(7));
    }

    [Fact]
    public void AllKeepsTheOrderOrNamesTheFirstGap()
    {
        Assert.Equal([1, 2, 3], new Needed<int>[] { 1, 2, 3 }.All().Value);
        var gaps = new Needed<int>[] { 1, Gap.MaskingSuspected("second"), Gap.Missing("third") }.All();
        Assert.False(gaps.IsPresent);
        Assert.Equal(GapKind.MaskingSuspected, gaps.Gap!.Kind);
        Assert.Equal("second", gaps.Gap.Reason);
    }

    [Fact]
    public void ReadingAGapAsAValueIsABugThatNamesTheReason()
    {
        Needed<double> missing = Gap.Missing("no kernel at epoch 3");
        var e = Assert.Throws<InvalidOperationException>(() => missing.Value);
        Assert.Contains("no kernel at epoch 3", e.Message);
    }

    private static Claim Returning(Gap gap) => new("X", "", "", "", "", "", new Dictionary<Scale, string>(), _ => gap);

    [Fact]
    public void EachKindOfGapMakesItsVerdict()
    {
        var complete = new ResultsBuilder().Build();
        var v = complete.Variants[0];
        var missing = Returning(Gap.Missing("no kernel series")).Evaluate(complete, v);
        Assert.Equal(V.NotRun, missing.Verdict);
        Assert.Equal("no kernel series", missing.Measured);
        var waiting = complete with { Progress = new PlanProgress(1, 3, ["a", "b"]) };
        Assert.Equal("no kernel series (waiting for 2 of 3 steps)", Returning(Gap.Missing("no kernel series")).Evaluate(waiting, v).Measured);
        var notTestable = Returning(Gap.NotTestable("not measured here")).Evaluate(complete, v);
        Assert.Equal((V.NotTestable, "not measured here"), (notTestable.Verdict, notTestable.Measured));
        var masked = Returning(Gap.MaskingSuspected("transfer stronger")).Evaluate(complete, v);
        Assert.Equal(V.Inconclusive, masked.Verdict);
        Assert.True(masked.MaskingSuspected);
        Assert.Contains("transfer stronger", masked.Measured);
        Assert.Empty(masked.SetAsideTests);
    }
}

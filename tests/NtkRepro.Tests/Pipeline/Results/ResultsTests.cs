using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Results;

[Tier(TestTier.Fast)]
public class ResultsTests
{
    private static ChildResult Child(params double[] losses) =>
        new(ScheduleKind.Benign, 0, 1, Dynamics.Centered, false, losses.Length, "run", Judgement.Claims.ResultsBuilder.Eval(0.5, 0.1, 0, 0), losses.LastOrDefault(), losses);

    [Fact]
    public void TheLossChangeOverTheLastQuarterIsFinalMinusTheLossThreeQuartersThrough()
    {
        // 20 epochs: the loss after epoch 15 (index 14) against the last.
        var twenty = Enumerable.Range(1, 20).Select(e => 10.0 / e).ToArray();
        Assert.Equal(10.0 / 20 - 10.0 / 15, Child(twenty).LossChangeOverLastQuarter!.Value, 12);
        // 5 epochs: after epoch 4 (⌈3.75⌉); 4 epochs: after epoch 3.
        Assert.Equal(1.0 - 2.0, Child(5, 4, 3, 2, 1).LossChangeOverLastQuarter!.Value, 12);
        Assert.Equal(0.5 - 0.7, Child(2, 1, 0.7, 0.5).LossChangeOverLastQuarter!.Value, 12);
        Assert.Null(Child(2, 1, 0.5).LossChangeOverLastQuarter);
        Assert.Null((Child(2, 1, 0.7, 0.5) with { TrainingLosses = null }).LossChangeOverLastQuarter);
    }

    [Fact]
    public void TheRelativeChangeIsAgainstTheLossThreeQuartersThroughWithAFloorForFittedChildren()
    {
        Assert.Equal((0.5 - 0.7) / 0.7, Child(2, 1, 0.7, 0.5).RelativeLossChangeOverLastQuarter!.Value, 12);
        // A fitted child halving a loss of 0.004 moves by 0.002 of the floor 0.1, not by 50%.
        Assert.Equal((0.002 - 0.004) / 0.1, Child(0.01, 0.008, 0.004, 0.002).RelativeLossChangeOverLastQuarter!.Value, 12);
    }
}

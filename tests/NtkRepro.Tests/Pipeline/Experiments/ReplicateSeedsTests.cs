using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>Seeds come from streams written per schedule and dynamics, never from an enum's order.</summary>
[Tier(TestTier.Fast)]
public class ReplicateSeedsTests
{
    [Fact]
    public void EverySchedulesAndEveryDynamicsStreamIsAssignedAndDistinct()
    {
        var schedules = Enum.GetValues<ScheduleKind>().Select(ReplicateSeeds.Stream).ToList();
        var dynamics = Enum.GetValues<Dynamics>().Select(ReplicateSeeds.Stream).ToList();
        Assert.Equal(schedules.Count, schedules.Distinct().Count());
        Assert.Equal(dynamics.Count, dynamics.Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => ReplicateSeeds.Stream((ScheduleKind)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReplicateSeeds.Stream((Dynamics)99));
    }

    [Fact]
    public void EveryStageOneRunAndChildOfEveryPresetHasItsOwnSeed()
    {
        foreach (var preset in Presets.All)
        {
            var plan = Planner.For(preset);
            var stage1 = plan.Steps.Select(s => s.Work).OfType<Stage1Work>().Select(w => (w.V, w.Config.Seed)).ToList();
            Assert.True(stage1.Count == stage1.Distinct().Count(), $"{preset.Name}: two stage-1 runs of one variant share a seed");
        }
    }
}

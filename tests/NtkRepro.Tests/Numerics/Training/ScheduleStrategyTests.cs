using System.Text.Json;
using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Training;

/// <summary>What differs between the stage-1 schedules lives in their strategies, and the code that seeds, trains and plans reads it there.</summary>
[Tier(TestTier.Fast)]
public class ScheduleStrategyTests
{
    [Fact]
    public void EveryScheduleHasAStrategyWhoseNameParsesBackToIt()
    {
        foreach (var kind in ScheduleStrategy.All)
        {
            var strategy = ScheduleStrategy.Of(kind);
            Assert.Equal(kind, strategy.Kind);
            var schedule = strategy.ScheduleFor(switchEpoch: 7);
            Assert.Equal(kind, schedule.Kind);
            Assert.Equal(schedule, Schedule.Parse(schedule.ToString()));
            Assert.StartsWith(strategy.Name, schedule.ToString());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => ScheduleStrategy.Of((ScheduleKind)99));
    }

    /// <summary>A schedule is serialized into its run's step key: only what defines it may be in it, or every stored run moves to a new folder.</summary>
    [Fact]
    public void AScheduleSerializesOnlyWhatDefinesItSoStoredRunsKeepTheirKeys()
    {
        using var json = JsonDocument.Parse(Json.Serialize(Schedule.Switch(75)));
        Assert.Equal(["kind", "switchEpoch"], json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        foreach (var kind in ScheduleStrategy.All)
            Assert.DoesNotContain("strategy", Json.Serialize(Presets.Mini.Stage1(Presets.Mini.Variants.First(), kind, 0)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void WhichEpochsAttackFollowsTheStrategy()
    {
        var epochs = Enumerable.Range(0, 10).ToList();
        Assert.All(epochs, e => Assert.False(Schedule.Benign.IsAdversarial(e)));
        Assert.All(epochs, e => Assert.True(Schedule.Adversarial.IsAdversarial(e)));
        Assert.Equal(epochs.Select(e => e >= 4), epochs.Select(Schedule.Switch(4).IsAdversarial));
        Assert.Equal([false, true, true], ScheduleStrategy.All.Select(k => ScheduleStrategy.Of(k).Attacks));
        Assert.Contains("1..9", ScheduleStrategy.Of(ScheduleKind.Switch).Invalid(10, 10));
        Assert.Null(ScheduleStrategy.Of(ScheduleKind.Switch).Invalid(9, 10));
    }

    [Fact]
    public void EveryPresetsRunsAreSharedAcrossRadiiExactlyWhenTheirScheduleNeverAttacksAndCarryTheAttackOtherwise()
    {
        foreach (var preset in Presets.All)
            foreach (var step in Planner.For(preset).Steps)
            {
                if (step.Work is not Stage1Work w) continue;
                var strategy = ScheduleStrategy.Of(w.Schedule);
                Assert.True(strategy.SharedAcrossRadii == !step.Key.StartsWith(w.V.Name + "/", StringComparison.Ordinal), $"{preset.Name}: {step.Key}");
                if (strategy.Attacks) Assert.Equal(w.V.Epsilon, w.Config.TrainAttack.Epsilon, 12);
                else Assert.Equal(PgdConfig.Training(), w.Config.TrainAttack);
                Assert.Equal(strategy.SeedStream, ReplicateSeeds.Stream(w.Schedule));
            }
    }
}

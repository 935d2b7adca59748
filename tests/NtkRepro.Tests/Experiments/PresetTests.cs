using NtkRepro.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using NtkRepro.Runs;

namespace NtkRepro.Tests.Experiments;

[Trait("Tier", Tiers.Fast)]
public class PresetTests
{
    public static IEnumerable<object[]> Names => Presets.All.Select(p => new object[] { p.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryKernelAndSpawnEpochIsACheckpointTheStageOneRunWrites(string name)
    {
        var p = Presets.Get(name);
        var checkpoints = Enumerable.Range(0, p.Stage1Epochs + 1).Select(e => (double)e)
            .Concat(p.FractionalCheckpoints.Where(f => f < p.Stage1Epochs)).ToHashSet();
        foreach (var (schedule, epochs) in p.KernelEpochs)
            Assert.All(epochs, e => Assert.True(checkpoints.Contains(e), $"{name}: kernel epoch {e} of {schedule} is not a checkpoint"));
        Assert.All(p.SpawnEpochs, e => Assert.Contains(e, checkpoints));
        if (p.FixedKernel is { } fk) Assert.Contains(fk.SpawnEpoch, checkpoints);
        foreach (var s in p.Schedules) p.Stage1(s, 0).Validate();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void KernelSeriesBracketTheSwitchAndEndAtTheFinalEpoch(string name)
    {
        var p = Presets.Get(name);
        Assert.Contains((double)p.SwitchEpoch, p.KernelEpochs["switch"]);
        Assert.Contains((double)p.SwitchEpoch + 1, p.KernelEpochs["switch"]);
        Assert.Contains((double)p.SwitchEpoch - 1, p.KernelEpochs["switch"]);
        foreach (var epochs in p.KernelEpochs.Values) Assert.Equal(p.Stage1Epochs, epochs.Max());
        Assert.Contains(0.0, p.KernelEpochs["benign"]);
        Assert.Contains(0.0, p.KernelEpochs["adversarial"]);
    }

    [Fact]
    public void EveryPresetStatesItsDeviationsAndUnknownNamesAreRejected()
    {
        Assert.All(Presets.All, p => Assert.NotEmpty(p.Deviations));
        Assert.Contains("known: smoke, mini", Assert.Throws<ArgumentException>(() => Presets.Get("huge")).Message);
    }

    [Fact]
    public void StepKeysFollowTheConfiguration()
    {
        var a = Presets.Mini.Stage1("benign", 0);
        Assert.Equal(StepKey.Of(a), StepKey.Of(Presets.Mini.Stage1("benign", 0)));
        Assert.NotEqual(StepKey.Of(a), StepKey.Of(a with { Epochs = 16 }));
        Assert.NotEqual(StepKey.Of(a), StepKey.Of(Presets.Mini.Stage1("benign", 1)));
    }
}

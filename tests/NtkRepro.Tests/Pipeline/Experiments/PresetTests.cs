using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

[Tier(TestTier.Fast)]
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
        Assert.All(p.KernelEpochs, e => Assert.True(checkpoints.Contains(e), $"{name}: kernel epoch {e} is not a checkpoint"));
        Assert.All(p.SpawnEpochs, e => Assert.Contains(e, checkpoints));
        if (p.FixedKernel is { } fk) Assert.Contains(fk.SpawnEpoch, checkpoints);
        foreach (var v in p.Variants)
            foreach (var s in p.Schedules) p.Stage1(v, s, 0).Validate();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void KernelCheckpointsAreDenseWhereTheClaimsReadOneEpochVelocities(string name)
    {
        var p = Presets.Get(name);
        var k = p.KernelEpochs.ToHashSet();
        int epochs = p.Stage1Epochs;
        int At(double f) => (int)Math.Ceiling(f * epochs - 1e-9);
        // C4: [0, 1] and one-epoch intervals from 30% on; C6: three epochs before the switch and one after; C18: the epoch at 20%; C5: whole epochs from 40%.
        Assert.Contains(0.0, k);
        Assert.Contains(1.0, k);
        int first = Math.Max(0, p.SwitchEpoch - 3), last = Math.Min(epochs, p.SwitchEpoch + 1);
        Assert.All(Enumerable.Range(first, last - first + 1), e => Assert.Contains((double)e, k));
        Assert.Equal(epochs, k.Max());
        Assert.Contains((double)At(0.2), k);
        Assert.Contains(k, e => e >= At(0.3) && e < epochs && k.Contains(e + 1));
        Assert.Contains(k, e => e >= At(0.4) && e < epochs && e == Math.Floor(e));
        if (p.Scale is Scale.Paper)
            Assert.All(Enumerable.Range(0, epochs + 1), e => Assert.Contains((double)e, k));
    }

    [Fact]
    public void TheMiniPresetsBenignLinearizedAndCenteredChildrenTrainOnTheCachedJacobianRows()
    {
        // 1,000 training images × 10 classes × 33,626 parameters of the width-16 small CNN, in float32.
        long bytes = 1000L * 10 * 33626 * 4;
        foreach (var dynamics in new[] { NtkRepro.Numerics.Linearization.Dynamics.Linearized, NtkRepro.Numerics.Linearization.Dynamics.Centered })
            Assert.Equal(TrainingRoute.CachedJacobian, TrainingRoutes.Resolve(TrainingRoute.Auto, dynamics, false, bytes, Presets.Mini.Stage2Epochs));
        Assert.Equal(TrainingRoute.ForwardPass, TrainingRoutes.Resolve(TrainingRoute.Auto, NtkRepro.Numerics.Linearization.Dynamics.Standard, false, bytes, Presets.Mini.Stage2Epochs));
        Assert.Contains($"stage 2: {Presets.Mini.Stage2Epochs} epochs instead of 100", Presets.Mini.Deviations);
    }

    [Fact]
    public void DeviationsAreDerivedFromThePaperPreset()
    {
        // The paper preset departs from the authors' code only where the code does on purpose, and says so.
        Assert.All(Presets.Paper.Deviations, d => Assert.StartsWith("on purpose: ", d));
        var mini = Presets.Mini.Deviations;
        Assert.Contains(mini, d => d.StartsWith($"stage 1: {Presets.Mini.Stage1Epochs} epochs instead of 100"));
        Assert.Contains(mini, d => d.StartsWith("network small-cnn of width 16 instead of resnet18"));
        Assert.Contains(mini, d => d.Contains($"{Presets.Mini.Replicates} replicate seeds instead of 3"));
        Assert.Contains(mini, d => d.StartsWith("gradient-masking suite (beyond the paper): the first 100 test images, PGD-20 × 2 restarts, APGD-CE-25, " +
            "sweep PGD-10 instead of the first 1000 test images"));
        Assert.Contains("eigen-images (C16) of classes 0, 1 instead of classes 0, 1, 2, 3, 4, 5, 6, 7, 8, 9", mini);
        Assert.Contains(mini, d => d.Contains("ε = 4/255 (the whole protocol) instead of 4/255 and 8/255"));
        var changed = Presets.Mini with { Stage2Epochs = 7 };
        Assert.Contains(changed.Deviations, d => d == "stage 2: 7 epochs instead of 100");
        Assert.Contains(Presets.Smoke.Deviations, d => d.Contains("synthetic"));
    }

    [Fact]
    public void WhatTheCodeDoesDifferentlyOnPurposeIsNamedInEveryPresetsDeviations()
    {
        foreach (var preset in Presets.All)
        {
            var d = preset.Deviations;
            Assert.Contains(d, x => x.StartsWith("on purpose: every schedule of a replicate starts from its own initial weights"));
            Assert.Contains(d, x => x.StartsWith("on purpose: one kernel image subset for every replicate"));
            Assert.Contains(d, x => x.StartsWith("on purpose: ‖Δf‖²/‖f₀‖² is a ratio of means"));
            if (preset.EigenImages is { Display.Negatives: 1 })
                Assert.Contains("on purpose: eigen-images draw 1 negative direction (the authors' script draws 3); C16 reads the top eigenvectors only", d);
        }
    }

    [Fact]
    public void EverySchedulesRunOfEveryReplicateHasItsOwnSeed()
    {
        var p = Presets.Mini;
        var v = p.Variants.First();
        var seeds = Enumerable.Range(0, p.Replicates).SelectMany(r => p.Schedules.Select(s => p.Stage1(v, s, r).Seed)).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
    }

    [Fact]
    public void UnknownNamesDatasetsAndRadiiAreRejectedNamingWhatExists()
    {
        Assert.Contains("known: smoke, mini", Assert.Throws<ArgumentException>(() => Presets.Get("huge")).Message);
        Assert.Contains("runs cifar10, cifar100", Assert.Throws<ArgumentException>(() => Presets.Paper.Restrict(["svhn"], null)).Message);
        Assert.Contains("runs ε = 4 (/255)", Assert.Throws<ArgumentException>(() => Presets.NightlyGpu.Restrict(null, [8])).Message);
        Assert.Contains("runs ε = 4, 8", Assert.Throws<ArgumentException>(() => Presets.Mini.Restrict(null, [16])).Message);
        Assert.Equal(["cifar10-eps8"], Presets.Mini.Restrict(null, [8]).Variants.Select(v => v.Name));
        Assert.Single(Presets.Paper.Restrict(["cifar100"], [8]).Variants);
    }

    [Fact]
    public void StepKeysFollowTheConfiguration()
    {
        var v = Presets.Mini.Variants.First();
        var a = Presets.Mini.Stage1(v, ScheduleKind.Benign, 0);
        Assert.Equal(StepKey.Of(a), StepKey.Of(Presets.Mini.Stage1(v, ScheduleKind.Benign, 0)));
        Assert.NotEqual(StepKey.Of(a), StepKey.Of(a with { Epochs = 16 }));
        Assert.NotEqual(StepKey.Of(a), StepKey.Of(Presets.Mini.Stage1(v, ScheduleKind.Benign, 1)));
    }

    [Fact]
    public void TheCpuGpuSmokeIsTheGpuSmokeAtATinyWidthOnFewerImages()
    {
        var (gpu, cpu) = (Presets.GpuSmoke, Presets.GpuSmokeCpu);
        Assert.True(gpu.NeedsGpu);
        Assert.False(cpu.NeedsGpu);
        Assert.Equal(ModelSpec.ResNet18, gpu.Architecture);
        Assert.Equal(64, gpu.Width);
        Assert.Equal((200, 1000), (gpu.TrainPerClass, gpu.TestCount));
        Assert.True(cpu.Width < gpu.Width && cpu.TrainPerClass < gpu.TrainPerClass && cpu.TestCount < gpu.TestCount);
        // Everything else is the same, so that the CPU variant's pass in the Smoke tier runs the GPU preset's code path.
        var aligned = cpu with
        {
            Name = gpu.Name, Summary = gpu.Summary, Notes = gpu.Notes, Width = gpu.Width, TrainPerClass = gpu.TrainPerClass, TestCount = gpu.TestCount,
            Masking = cpu.Masking! with { Subset = gpu.Masking!.Subset, BatchSize = gpu.Masking.BatchSize },
            ImagePassesPerSecond = gpu.ImagePassesPerSecond, NeedsGpu = gpu.NeedsGpu,
        };
        Assert.Equal(NtkRepro.Numerics.Util.Json.Serialize(gpu), NtkRepro.Numerics.Util.Json.Serialize(aligned));
        var plan = Planner.For(cpu);
        Assert.All(StepKinds.Data.Kinds, k => Assert.Contains(plan.Steps, s => StepKinds.Data.Knows(s) && StepKinds.Data.Of(s) == k));
        Assert.Equal(Planner.For(gpu).Steps.Count, plan.Steps.Count);
    }

    [Fact]
    public void ThePaperToyPresetHasThePaperPresetsPlanShape()
    {
        var (paper, toy) = (Presets.Paper, Presets.PaperToy);
        Assert.Equal(paper.Datasets, toy.Datasets);
        Assert.Equal(paper.Epsilons255, toy.Epsilons255);
        Assert.Empty(toy.ReducedRadii);
        Assert.Equal(paper.Schedules, toy.Schedules);
        Assert.Equal((paper.SpawnParents, paper.ChildDynamics), (toy.SpawnParents, toy.ChildDynamics));
        Assert.Equal((0.0, (double)toy.Stage1Epochs), (toy.SpawnEpochs[0], toy.SpawnEpochs[^1]));
        Assert.True(toy.SpawnEpochs.Count > 2);
        Assert.Equal(paper.FixedKernel is null, toy.FixedKernel is null);
        Assert.Equal((paper.Masking is null, paper.EigenImages is null), (toy.Masking is null, toy.EigenImages is null));
        Assert.False(toy.NeedsGpu);
        var plan = Planner.For(toy);
        Assert.All(StepKinds.Data.Kinds, k => Assert.Contains(plan.Steps, s => StepKinds.Data.Knows(s) && StepKinds.Data.Of(s) == k));
        Assert.Equal(10, toy.KernelSubsetFor(new Variant(NtkRepro.Numerics.Data.CifarSource.Cifar100, 4)).Classes);
    }

    [Fact]
    public void TheNightlyGpuJobHasTheReplicatesItsKernelPermutationTestNeeds()
    {
        var p = Presets.NightlyGpu;
        Assert.True(p.Replicates >= 4);
        Assert.True(NtkRepro.Numerics.Statistics.DistancePermutationTest.SmallestP(2 * p.Replicates, p.Replicates) <= 0.05);
        Assert.Contains("four replicates", p.Summary);
    }
}

using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>The cost model, the schedule it simulates, and what a plan keeps: against closed forms and hand-built stores.</summary>
[Tier(TestTier.Fast)]
public class CostModelTests
{
    private static readonly Plan Smoke = Planner.For(Presets.Smoke);

    private static PlanStep Step(string key, params string[] after) => new(key, key, after, new ReportWork(), 0, key);

    [Fact]
    public void IndependentStepsOfEqualCostTakeTheCeilingOfTheirCountOverTheWorkers()
    {
        var steps = Enumerable.Range(0, 7).Select(i => Step($"s{i}")).ToList();
        var schedule = new WorkerSchedule(steps, _ => 10, batchSeconds: 0);
        Assert.Equal(40, schedule.Simulate(new HashSet<string>(), steps, [], jobs: 2, launchSeconds: 0), 9);
        Assert.Equal(30, schedule.Simulate(new HashSet<string>(), steps, [], jobs: 3, launchSeconds: 0), 9);
        Assert.Equal(7 * 11, schedule.Simulate(new HashSet<string>(), steps, [], jobs: 1, launchSeconds: 1), 9);
    }

    [Fact]
    public void AChainTakesItsSumWhateverTheWorkersAndTheLongestChainGoesFirst()
    {
        // a → b → c (10 s each) beside six 5 s steps: critical path first gives max(30, (30 + 30) / 2) = 30 on two workers.
        var chain = new[] { Step("a"), Step("b", "a"), Step("c", "b") };
        var small = Enumerable.Range(0, 6).Select(i => Step($"x{i}")).ToList();
        var steps = chain.Concat(small).ToList();
        var schedule = new WorkerSchedule(steps, s => s.Key.StartsWith('x') ? 5 : 10, batchSeconds: 0);
        Assert.Equal(30, schedule.Simulate(new HashSet<string>(), chain, [], jobs: 4, launchSeconds: 0), 9);
        Assert.Equal(30, schedule.Simulate(new HashSet<string>(), steps, [], jobs: 2, launchSeconds: 0), 9);
        Assert.Equal("a", schedule.Order(steps.Where(s => s.DependsOn.Count == 0))[0].Key);
    }

    [Fact]
    public void RunningStepsFinishAfterTheirRemainingSecondsAndDoneStepsAreNotCounted()
    {
        var a = Step("a");
        var b = Step("b", "a");
        var c = Step("c");
        var schedule = new WorkerSchedule([a, b, c], _ => 10, batchSeconds: 0);
        // a runs with 4 s left; b waits on it; c is done.
        Assert.Equal(14, schedule.Simulate(new HashSet<string> { "c" }, [b], [([a], 4)], jobs: 2, launchSeconds: 0), 9);
    }

    [Fact]
    public void SmallReadyStepsShareAWorkerUpToTheBatchLimit()
    {
        var steps = Enumerable.Range(0, 5).Select(i => Step($"s{i}")).ToList();
        var schedule = new WorkerSchedule(steps, _ => 4, batchSeconds: 10);
        Assert.Equal(2, schedule.Batch(steps).Count);
        // Two batches of two and one of one, on one worker, each paying one start of 1 s.
        Assert.Equal(20 + 3, schedule.Simulate(new HashSet<string>(), steps, [], jobs: 1, launchSeconds: 1), 9);
    }

    [Fact]
    public void AClassIsTheKeyWithoutItsReplicate()
    {
        Assert.Equal("cifar10-eps4/eval/stage2/benign-t1.5-standard", StepCosts.ClassOf("cifar10-eps4/r12/eval/stage2/benign-t1.5-standard"));
        Assert.Equal("cifar10/stage1/benign", StepCosts.ClassOf("cifar10/r0/stage1/benign"));
        Assert.Equal("cifar10-eps4/kernel-distances", StepCosts.ClassOf("cifar10-eps4/kernel-distances"));
    }

    [Fact]
    public void MeasuredCostsAreScaledByTheCalibrationAndAnUnmeasuredStepFallsBackOnImagePasses()
    {
        var step = Smoke.Steps.First(s => s.Work is Stage1Work);
        var other = Smoke.Steps.First(s => s.Work is KernelsWork);
        var costs = new StepCosts("smoke", "m", CalibrationSeconds: 2, LaunchSeconds: 0.5, new Dictionary<string, double> { [StepCosts.ClassOf(step.Key)] = 30 });
        var model = new CostModel(Smoke, costs, calibrationSeconds: 3);
        Assert.Equal(1.5, model.Scale, 12);
        Assert.Equal(45, model.Seconds(step), 9);
        Assert.Equal(0.75, model.LaunchSeconds, 12);
        Assert.True(model.IsMeasured(step));
        Assert.False(model.IsMeasured(other));
        Assert.Equal(other.ImagePasses / Presets.Smoke.ImagePassesPerSecond, model.Seconds(other), 9);
    }

    [Fact]
    public void MeasuringAStoreTakesTheMedianReplicateEpochByEpochForTrainingAndTheMedianOtherwise()
    {
        var store = new ArtifactStore(TestData.TempDir("costs"));
        var runs = Smoke.Steps.Where(s => s.Work is Stage1Work { Schedule: ScheduleKind.Adversarial }).GroupBy(s => StepCosts.ClassOf(s.Key)).First().ToList();
        var evals = Smoke.Steps.Where(s => s.Work is EvaluateWork).GroupBy(s => StepCosts.ClassOf(s.Key)).First(g => g.Count() == 2).ToList();
        Assert.Equal(2, runs.Count);
        double[][] epochs = [[1, 5, 1], [3, 1, 3]];
        for (int i = 0; i < 2; i++)
        {
            Directory.CreateDirectory(store.PathOf(runs[i]));
            AtomicFile.WriteJson(Path.Combine(store.PathOf(runs[i]), "metrics.json"),
                epochs[i].Select((s, e) => new EpochMetrics(e, true, 1, 0.5, 1, 0.5, s)).ToList());
            store.WriteTiming(new StepTiming(runs[i].Key, epochs[i].Sum() + 2 + i, false, "m"));
            store.WriteTiming(new StepTiming(evals[i].Key, 7 - 3 * i, false, "m"));
        }
        var costs = StepCosts.Measure(Smoke, store, "m", 1, 0.5);
        Assert.Equal(2 + 3 + 2 + 2.5, costs.Seconds[StepCosts.ClassOf(runs[0].Key)], 9);   // epoch-wise median, plus the median setup
        Assert.Equal(5.5, costs.Seconds[StepCosts.ClassOf(evals[0].Key)], 9);
        Assert.False(costs.Seconds.ContainsKey(StepCosts.ClassOf(Smoke.Steps.First(s => s.Work is KernelsWork).Key)));
    }

    [Fact]
    public void ReplicatesThatEachTakeTheSameTimeCostThatTimeNotTheLuckiestEpochOfEach()
    {
        // Four replicates of 4 s each, whose epochs take 1 s or 3 s in turn: the fastest replicate epoch by epoch would
        // say 2 s, half of what every one of them took.
        var store = new ArtifactStore(TestData.TempDir("costs"));
        var mini = Planner.For(Presets.Mini);
        var runs = mini.Steps.Where(s => s.Work is Stage1Work { Schedule: ScheduleKind.Adversarial })
            .GroupBy(s => StepCosts.ClassOf(s.Key)).First(g => g.Count() == 4).ToList();
        for (int i = 0; i < 4; i++)
        {
            double[] epochs = i % 2 == 0 ? [1, 3] : [3, 1];
            Directory.CreateDirectory(store.PathOf(runs[i]));
            AtomicFile.WriteJson(Path.Combine(store.PathOf(runs[i]), "metrics.json"),
                epochs.Select((s, e) => new EpochMetrics(e, true, 1, 0.5, 1, 0.5, s)).ToList());
            store.WriteTiming(new StepTiming(runs[i].Key, 4, false, "m"));
        }
        Assert.Equal(4, StepCosts.Measure(mini, store, "m", 1, 0.5).Seconds[StepCosts.ClassOf(runs[0].Key)], 9);
    }

    [Fact]
    public void MissingClassesAreAddedScaledByTheCalibrationsAndKeptOnesStay()
    {
        var kept = new StepCosts("p", "fast machine", 1.0, 0.5, new Dictionary<string, double> { ["a"] = 10, ["b"] = 20 });
        var measured = new StepCosts("p", "slow machine", 2.5, 0.9, new Dictionary<string, double> { ["a"] = 99, ["c"] = 5 });
        var merged = kept.WithMissing(measured);
        Assert.Equal(new Dictionary<string, double> { ["a"] = 10, ["b"] = 20, ["c"] = 2 }, merged.Seconds);
        Assert.Equal(("fast machine", 1.0, 0.5), (merged.Machine, merged.CalibrationSeconds, merged.LaunchSeconds));
    }

    [Fact]
    public void TheMiniPresetKeepsCostsThatCoverEveryClassOfItsPlan()
    {
        var mini = Planner.For(Presets.Mini);
        var kept = StepCosts.Kept("mini");
        Assert.NotNull(kept);
        var missing = mini.Steps.Where(s => s.Key != Plan.ReportKey).Select(s => StepCosts.ClassOf(s.Key)).Distinct().Where(c => !kept!.Seconds.ContainsKey(c)).ToList();
        Assert.Empty(missing);
        Assert.Null(StepCosts.Kept("no-such-preset"));
    }
}

/// <summary>What a plan's stage-1 runs keep, and the store size it projects.</summary>
[Tier(TestTier.Fast)]
public class KeptCheckpointTests
{
    public static TheoryData<string> PresetNames() => new(Presets.All.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void EveryCheckpointAStepReadsIsKept(string name)
    {
        var preset = Presets.Get(name);
        var plan = Planner.For(preset);
        var kept = preset.CheckpointsRead;
        var read = new List<double>();
        foreach (var s in plan.Steps)
        {
            switch (s.Work)
            {
                case KernelsWork k: read.AddRange(k.Epochs); break;
                case Stage2Work c: read.Add(c.SpawnEpoch); break;
                case EvaluateWork { On.IsChild: false } e: read.Add(e.On.Epoch); break;
                case MaskingWork m:
                    if (!m.On.IsChild) read.Add(m.On.Epoch);
                    if (m.SourceEpoch is { } se) read.Add(se);
                    break;
                case EigenWork: read.AddRange([0, preset.Stage1Epochs]); break;
            }
        }
        Assert.All(read.Distinct(), e => Assert.Contains(e, kept));
        foreach (var s in plan.Steps.Select(s => s.Work).OfType<Stage1Work>())
            Assert.All(read.Distinct(), e => Assert.True(s.Config.Keeps(e), $"{s.Config.Schedule} does not keep epoch {e}"));
    }

    [Fact]
    public void AConfigurationWithoutAKeepListHashesAsBeforeTheSettingExisted()
    {
        var config = Presets.Smoke.Stage1(Planner.For(Presets.Smoke).VariantSteps.Keys.First(), ScheduleKind.Benign, 0) with { KeptCheckpoints = null };
        Assert.DoesNotContain("keptCheckpoints", Json.Serialize(config), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("keptCheckpoints", Json.Serialize(config with { KeptCheckpoints = [1] }), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheLastEpochIsAlwaysKeptAndAKeepListOutsideTheRunIsRefused()
    {
        var config = Presets.Smoke.Stage1(Planner.For(Presets.Smoke).VariantSteps.Keys.First(), ScheduleKind.Benign, 0) with { KeptCheckpoints = [1] };
        Assert.True(config.Keeps(config.Epochs));
        Assert.True(config.Keeps(1));
        Assert.False(config.Keeps(2));
        var ex = Assert.Throws<ArgumentException>(() => (config with { KeptCheckpoints = [config.Epochs + 1] }).Validate());
        Assert.Contains($"epoch {config.Epochs + 1}", ex.Message);
    }

    [Fact]
    public void TheProjectedStoreCountsOnlyKeptCheckpointsAndTheKernelBlocks()
    {
        var plan = Planner.For(Presets.Mini);
        long all = StoreProjection.Bytes(Planner.For(Presets.Mini), _ => 1000);
        int stage1 = plan.Steps.Count(s => s.Work is Stage1Work), children = plan.Steps.Count(s => s.Work is Stage2Work);
        var kernels = plan.Steps.Select(s => s.Work).OfType<KernelsWork>().ToList();
        long points = Presets.Mini.KernelSubset.PerClass * 10L;
        long expected = stage1 * (Presets.Mini.CheckpointsRead.Count + 2) * 1000L + children * 4000L + kernels.Sum(k => k.Epochs.Count) * 10 * points * points * 4;
        Assert.Equal(expected, all);
    }
}

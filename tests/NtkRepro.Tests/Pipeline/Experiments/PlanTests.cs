using System.Diagnostics;
using System.Text.Json.Nodes;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>The plan of every preset, checked as data (no torch).</summary>
[Tier(TestTier.Fast)]
public class PlanTests
{
    public static IEnumerable<object[]> Names => Presets.All.Select(p => new object[] { p.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryPresetsPlanHasTheExpectedStepsInWaves(string name)
    {
        var p = Presets.Get(name);
        var plan = Planner.For(p);
        int expected = p.Variants.Sum(v =>
        {
            int stage1Evals = p.SchedulesOf(v).Select(s => (s, (double)p.Stage1Epochs)).Concat(p.SpawnParents.SelectMany(s => p.SpawnEpochsOf(v).Select(t => (s, t)))).Distinct().Count();
            int children = p.SpawnParents.Count * p.SpawnEpochsOf(v).Count * p.ChildDynamics.Count + (p.FixedKernelOf(v) is null ? 0 : 1);
            var spawns = p.SpawnEpochsOf(v);
            int masking = p.Masking is null ? 0
                : p.SpawnParents.Count * p.ChildDynamics.Count + (spawns.Count - 1) + (p.FixedKernelOf(v) is null ? 0 : 1)
                  + (p.SchedulesOf(v).Contains(ScheduleKind.Adversarial) ? new[] { spawns.Max(), p.Stage1Epochs }.Distinct().Count() : 0);
            int eigen = p.EigenImages is not null && p.ReducedScopeOf(v) is null ? 1 : 0;
            // A further radius shares what does not depend on ε with the first: the benign run with its kernels and analyses, and the benign parent's benign children.
            // Each run: its training, its kernels and each per-run analysis.
            int perRun = 2 + StepKinds.PerRun.Count;
            int shared = v == p.Variants.First(x => x.Dataset == v.Dataset) || !p.SchedulesOf(v).Contains(ScheduleKind.Benign) ? 0
                : perRun + (p.SpawnParents.Contains(ScheduleKind.Benign) ? p.SpawnEpochsOf(v).Count * p.ChildDynamics.Count : 0);
            return p.ReplicatesOf(v) * (perRun * p.SchedulesOf(v).Count + stage1Evals + 2 * children + masking + eigen - shared) + 1; // + the variant's kernel distances
        });
        Assert.Equal(expected + 1, plan.Steps.Count);
        Assert.Equal(4, plan.Waves.Count);
        Assert.All(plan.Waves[0], s => Assert.IsType<Stage1Work>(s.Work));
        Assert.IsType<ReportWork>(Assert.Single(plan.Waves[^1]).Work);
        Assert.All(plan.Steps, s => Assert.All(s.DependsOn, d => Assert.True(plan.Depth[d] < plan.Depth[s.Key])));
        // Every variant reads its own stage-1 runs of every schedule, shared or not.
        foreach (var v in p.Variants)
            Assert.Equal(p.SchedulesOf(v).Count * p.ReplicatesOf(v), plan.StepsOf(v).Count(s => s.Work is Stage1Work));
    }

    [Fact]
    public void RadiiShareTheRunsThatDoNotDependOnEpsilonAndEvaluateThemEach()
    {
        var plan = Planner.For(Presets.Mini);
        var at4 = plan.StepsOf(new Variant("cifar10", 4));
        var at8 = plan.StepsOf(new Variant("cifar10", 8));
        var shared = at4.Intersect(at8).ToList();
        Assert.NotEmpty(shared);
        Assert.All(shared, s => Assert.True(s.Work is Stage1Work { Schedule: ScheduleKind.Benign } or KernelsWork { Schedule: ScheduleKind.Benign } or RunAnalysisWork { Schedule: ScheduleKind.Benign }
                                            or Stage2Work { Parent: ScheduleKind.Benign, Adversarial: false }, s.Key));
        Assert.All(shared, s => Assert.StartsWith("cifar10/r", s.Key));
        // The AT runs, the section-7 run and every evaluation are the radius's own.
        Assert.DoesNotContain(shared, s => s.Work is EvaluateWork or MaskingWork or Stage1Work { Schedule: ScheduleKind.Adversarial } or Stage2Work { Adversarial: true });
        var benign8 = at8.Where(s => s.Work is EvaluateWork e && plan.Step(e.On.Target).Work is Stage1Work { Schedule: ScheduleKind.Benign }).ToList();
        Assert.All(benign8, e => Assert.Equal(8 / 255.0, ((EvaluateWork)e.Work).Config.Attack.Epsilon, 12));
    }

    /// <summary>Adding a reduced radius must not change a single key or folder of the full radius (a store keeps its finished steps).</summary>
    [Fact]
    public void AReducedRadiusAddsItsOwnStepsAndLeavesTheFullRadiusUntouched()
    {
        var withReduced = Planner.For(Presets.Mini);
        var without = Planner.For(Presets.Mini with { ReducedRadii = [] });
        var full = withReduced.StepsOf(new Variant("cifar10", 4)).Select(s => (s.Key, s.Folder)).ToList();
        Assert.Equal(without.Steps.Where(s => s.Key != Plan.ReportKey).Select(s => (s.Key, s.Folder)), full);
        var scope = Assert.Single(Presets.Mini.ReducedRadii);
        var reduced = withReduced.StepsOf(new Variant("cifar10", 8)).Where(s => s.Key.Contains("/r")).ToList();
        Assert.Contains(withReduced.Steps, s => s.Key == "cifar10-eps8/kernel-distances");
        Assert.Equal(Enumerable.Range(0, scope.Replicates).Select(r => $"r{r}"), reduced.Select(s => s.Key.Split('/')[1]).Distinct());
        Assert.Equal(scope.Schedules.Order(), reduced.Select(s => s.Work).OfType<Stage1Work>().Select(w => w.Schedule).Distinct().Order());
        Assert.Equal(scope.SpawnEpochs, reduced.Select(s => s.Work).OfType<Stage2Work>().Where(w => !w.Adversarial).Select(w => w.SpawnEpoch).Distinct().Order());
        Assert.Equal(scope.FixedKernel, reduced.Select(s => s.Work).OfType<Stage2Work>().Any(w => w.Adversarial));
        Assert.All(reduced.Select(s => s.Work).OfType<Stage1Work>().Where(w => w.Schedule != ScheduleKind.Benign), w => Assert.Equal(8 / 255.0, w.Config.TrainAttack.Epsilon, 12));
        Assert.Contains(Presets.Mini.Deviations, d => d.StartsWith("ε = 8/255 at reduced scope: 3 replicates"));
    }

    [Fact]
    public void ThePaperPlanIsTheProtocolAtScale()
    {
        var plan = Planner.For(Presets.Paper);
        Assert.True(plan.Steps.Count > 500, $"{plan.Steps.Count} steps");
        Assert.Equal(["cifar10-eps4", "cifar10-eps8", "cifar100-eps4", "cifar100-eps8"],
            plan.Steps.Where(s => s.Work is Stage1Work).Select(s => s.Work.Variant!.Name).Distinct());
        var fk = plan.Steps.Select(s => s.Work).OfType<Stage2Work>().First(w => w.Adversarial);
        Assert.Equal((ScheduleKind.Benign, 20.0, 100), (fk.Parent, fk.SpawnEpoch, fk.Config.Epochs));
        var cifar100Kernels = plan.Steps.Select(s => s.Work).OfType<KernelsWork>().First(k => k.V.Dataset == "cifar100");
        Assert.Equal(10, cifar100Kernels.Subset.Classes);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void NoConfigurationNamesAnAbsolutePathSoTheStoreIsRelocatable(string name)
    {
        var plan = Planner.For(Presets.Get(name));
        foreach (var step in plan.Steps)
        {
            Assert.False(Path.IsPathRooted(step.Folder), step.Key);
            if (step.Work is Stage2Work c)
            {
                Assert.False(Path.IsPathRooted(c.Config.ParentRun), step.Key);
                var parent = plan.Step(step.DependsOn.Single());
                Assert.Equal(Path.GetFullPath(Path.Combine("/store", parent.Folder)), c.Config.ParentFolder(Path.Combine("/store", step.Folder)));
            }
        }
    }

    [Fact]
    public void GitHubMatricesShardEveryWaveWithinTheJobLimit()
    {
        var plan = Planner.For(Presets.Paper);
        var waves = GitHubMatrix.All(plan, maxShards: 64)["waves"]!.AsArray();
        Assert.Equal(plan.Waves.Count, waves.Count);
        for (int w = 0; w < waves.Count; w++)
        {
            var include = waves[w]!["include"]!.AsArray();
            Assert.InRange(include.Count, 1, 64);
            var keys = include.SelectMany(e => e!["keys"]!.GetValue<string>().Split(' ')).ToList();
            Assert.Equal(plan.Waves[w].Select(s => s.Key).Order(), keys.Order());
        }
        var parsed = JsonNode.Parse(GitHubMatrix.Render(GitHubMatrix.Wave(plan, 1, 8)))!;
        Assert.Equal(8, parsed["include"]!.AsArray().Count);
    }

    [SkippableFact]
    public void TheSlurmScriptSubmitsEveryStepAfterExactlyTheStepsItReadsAndIsValidBash()
    {
        var plan = Planner.For(Presets.Paper);
        var script = SlurmScript.Render(plan, new SlurmScript.Options(Store: "/shared/store"));
        var submits = script.Split('\n').Where(l => l.StartsWith("submit ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        Assert.Equal(plan.Steps.Select(s => s.Key).Order(), submits.Select(p => p[1]).Order());
        var position = submits.Select((p, i) => (p[1], i)).ToDictionary(x => x.Item1, x => x.i);
        foreach (var p in submits.Where(p => p[1] != Plan.ReportKey))
        {
            Assert.Equal("afterok", p[3]);
            Assert.Equal(plan.Step(p[1]).DependsOn.Order(), p[4..].Order());
            Assert.All(p[4..], d => Assert.True(position[d] < position[p[1]], $"{p[1]} is submitted before {d}, which it waits for"));
        }
        // The report waits for every step to end, through the steps nothing else reads.
        var report = submits.Single(p => p[1] == Plan.ReportKey);
        Assert.Equal("afterany", report[3]);
        var read = plan.Steps.Where(s => s.Key != Plan.ReportKey).SelectMany(s => s.DependsOn).ToHashSet();
        Assert.Equal(plan.Steps.Where(s => s.Key != Plan.ReportKey && !read.Contains(s.Key)).Select(s => s.Key).Order(), report[4..].Order());
        Assert.Contains("--gres=gpu:1", script);
        Assert.Contains("run-step --preset paper --store \"$STORE\" --device cuda", script);
        var mini = SlurmScript.Render(Planner.For(Presets.Mini), new SlurmScript.Options());
        Assert.DoesNotContain("--gres", mini);
        Assert.Contains("--cpus-per-task=1", mini); // one libtorch thread per step, as reproduce's workers
        TestEnvironment.SkipUnless(TestRequirement.Bash); // to check the script's syntax
        var path = Path.Combine(TestData.TempDir("slurm"), "submit.sh");
        File.WriteAllText(path, script);
        using var bash = Process.Start(new ProcessStartInfo("/bin/bash", ["-n", path]) { RedirectStandardError = true })!;
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, bash.StandardError.ReadToEnd());
    }

    [Fact]
    public void AnUnknownKeyNamesThePlan()
    {
        var e = Assert.Throws<ArgumentException>(() => Planner.For(Presets.Mini).Step("cifar10-eps4/r9/stage1/benign"));
        Assert.Contains("'ntkrepro plan --preset mini'", e.Message);
    }
}

using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Judgement.Reporting;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Judgement.Baselines;

/// <summary>
/// Defects planted into the real pipeline through its configuration (no defect switch in the
/// shipped code): the smoke preset's 4/255 variant runs with each, and the Smoke tier's check
/// (<see cref="SnapshotComparison"/> against the committed smoke baseline, statistical mode since
/// the configuration differs) must catch it. A change that must not move any figure (the
/// evaluation's batch size) is the control: it must pass. About 3 minutes per case on 2 cores.
/// </summary>
[Tier(TestTier.Detection)]
public class PlantedDefectTests(PlantedDefectTests.Reference reference, ITestOutputHelper output) : IClassFixture<PlantedDefectTests.Reference>
{
    /// <summary>What the statistical mode must make of a planted defect.</summary>
    public enum Sight
    {
        /// <summary>It must fail the comparison.</summary>
        Caught,
        /// <summary>The figures cannot show it at the smoke scale: it must pass (a claim of no power, checked like one of power).</summary>
        Invisible,
        /// <summary>Its shift sits at the threshold, so either outcome is right; only the exact mode is required to see it.</summary>
        Borderline,
    }

    /// <summary>A planted change; <paramref name="Because"/> says why it is not <see cref="Sight.Caught"/> when it is not.</summary>
    public sealed record Case(string Name, Func<Preset, Preset> Plant, bool IsDefect = true, Sight Statistical = Sight.Caught, string? Because = null);

    public static readonly IReadOnlyList<Case> Cases =
    [
        new("control: evaluation batch size 50 instead of 100 (must not move a figure)", p => p with { EvalBatchSize = 50 }, IsDefect: false),
        new("the kernels computed on the wrong subset (seed 1)", p => p with { KernelSubset = p.KernelSubset with { Seed = 1 } },
            Statistical: Sight.Borderline, Because: "another random subset of the same classes gives kernel metrics from the same distribution, " +
            "but the kernel-target alignment depends on which images the subset holds and the baseline's runs share one subset: " +
            "its families shift by about the omnibus threshold"),
        new("stage 2 at a tenth of its learning rate", p => p with { Stage2LearningRate = p.Stage2LearningRate / 10 },
            Statistical: Sight.Invisible, Because: "smoke's children train one epoch: at either rate they stay within noise of their parent"),
        new("stage 1 at half its learning rate", p => p with { Stage1LearningRate = p.Stage1LearningRate / 2 }),
        new("the training attack one PGD step instead of two", p => p with { TrainAttack = p.TrainAttack with { Steps = 1 } }),
        new("adversarial training on adversarial batches only (Madry) instead of the authors' mixture", p => p with { AdversarialMode = AdversarialMode.Pure }),
        new("half the training batch size", p => p with { BatchSize = p.BatchSize / 2 }),
        new("the evaluation attack one PGD step instead of three", p => p with { EvalAttack = p.EvalAttack with { Steps = 1 } },
            Statistical: Sight.Invisible,
            Because: "smoke's models are at chance (11% clean, 5% robust on 100 test images): the attack's strength moves robust accuracy by a point or two, within noise"),
        new("a model twice as wide", p => p with { Width = p.Width * 2 }),
    ];

    public static IEnumerable<object[]> CaseIndices => Cases.Select((c, i) => new object[] { i, c.Name });

    private static readonly Preset Smoke4 = Presets.Smoke.Restrict(null, [4]);

    /// <summary>The unplanted smoke run (4/255) on this machine: what a code defect is compared with in exact mode.</summary>
    public sealed class Reference
    {
        public FigureSet Figures { get; } = Run(Smoke4);
    }

    private static FigureSet Run(Preset preset)
    {
        var store = new ArtifactStore(TestData.TempDir("planted"));
        var results = Reproduction.Run(Planner.For(preset), store, torch.CPU, NullProgress.Instance, dataOption: null).Results;
        return FigureSet.From(results, ClaimRegistry.Evaluate(results), preset);
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void TheSmokeBaselineCheckCatchesAPlantedDefect(int index, string name)
    {
        var c = Cases[index];
        var received = Run(c.Plant(Smoke4));
        var committed = BaselineSnapshots.Read("smoke") ?? throw new InvalidOperationException("no committed smoke baseline");
        string variant = received.Figures[0].Name.Split('.')[0];
        var baseline = committed with
        {
            Figures = committed.Figures.Where(f => f.Name.StartsWith(variant + ".", StringComparison.Ordinal)).ToList(),
            Verdicts = committed.Verdicts.Where(v => v.Variant == variant).ToList(),
        };
        var statistical = SnapshotComparison.Compare(baseline, received);
        // A defect in the code leaves the configuration as it was: against this machine's unplanted run it meets the exact mode.
        var exact = SnapshotComparison.Compare(reference.Figures, received with { Fingerprint = reference.Figures.Fingerprint });
        output.WriteLine($"{name}: statistical mode {(statistical.Matches ? "passes" : "CAUGHT")}, exact mode {(exact.Matches ? "passes" : "CAUGHT")} " +
                         $"({exact.Failures.Count} figures or verdicts differ) — {statistical.Summary()}");
        foreach (var r in statistical.Failures.Take(8)) output.WriteLine($"  {r.Name}: {r.Baseline} → {r.Received} ({r.Tolerance}; {r.FlaggedBy})");
        Assert.Equal(ComparisonMode.Exact, exact.Mode);
        if (!c.IsDefect)
        {
            Assert.True(statistical.Matches, $"{name}: a false alarm\n{statistical.Format()}");
            return;
        }
        Assert.False(exact.Matches, $"{name}: not even the exact mode sees it");
        switch (c.Statistical)
        {
            case Sight.Caught: Assert.False(statistical.Matches, $"{name}: not caught\n{statistical.Format()}"); break;
            case Sight.Invisible: Assert.True(statistical.Matches, $"{name}: caught, though listed as invisible ({c.Because})\n{statistical.Format()}"); break;
        }
    }
}

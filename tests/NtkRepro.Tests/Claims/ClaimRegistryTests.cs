using NtkRepro.Attacks;
using NtkRepro.Claims;
using NtkRepro.Experiments;
using NtkRepro.Kernels;
using NtkRepro.Reporting;
using NtkRepro.Tests.Infrastructure;
using NtkRepro.Training;
using Xunit;
using NtkRepro.Runs;

namespace NtkRepro.Tests.Claims;

/// <summary>The claim checks on hand-built results whose verdicts are known.</summary>
[Trait("Tier", Tiers.Fast)]
public class ClaimRegistryTests
{
    private static EvalResult Eval(double clean, double robust, double? ratio = null) =>
        new("x", 100, clean, robust, "PGD", ratio, null, null, new AttackSanity(0.01, true, true, true, true, 5, 0.1, false), 1);

    private static KernelSeries Series(Func<double, double> distance, double erank, double spec, Func<double, double> velocity)
    {
        double[] epochs = [0, 0.5, 1, 2, 4, 6, 8, 10];
        return new KernelSeries("r", 100,
            epochs.Select(e => new KernelPoint(e, distance(e), erank, spec)).ToList(),
            epochs.Zip(epochs.Skip(1)).Select(p => new KernelMetrics.Velocity(p.First, p.Second, velocity(p.Second))).ToList());
    }

    /// <summary>Results in which every checkable claim holds (T = 10, switch at 5).</summary>
    private static ReproductionResults Holding(string scale = "mini")
    {
        var summary = new RunSummary("stage1", 10, 1, null, 2, "cpu", "");
        var stage1 = new List<Stage1Result>
        {
            new("benign", 0, "b", summary, Series(e => 0.5 / (1 + e * e), 20, 3.0, e => 1.0 / (e * e)), Eval(0.6, 0.05)),
            new("adversarial", 0, "a", summary, Series(e => 0.5 / (1 + e * e), 12, 2.0, e => 1.0 / (e * e)), Eval(0.45, 0.30)),
            new("switch", 0, "s", summary, new KernelSeries("s", 100,
                [new(4, 0.3, 20, 3), new(5, 0.3, 20, 3), new(6, 0.1, 15, 2.5), new(10, 0, 12, 2.1)],
                [new(4, 5, 0.001), new(5, 6, 0.05), new(6, 10, 0.01)]), Eval(0.5, 0.25)),
        };
        var children = new List<ChildResult>();
        foreach (var parent in new[] { "benign", "adversarial" })
            foreach (var t in new[] { 1.0, 10.0 })
            {
                double boost = parent == "adversarial" ? 0.15 : 0;
                children.Add(new(parent, 0, t, "standard", false, 5, "", Eval(0.6, 0.02 + boost)));
                children.Add(new(parent, 0, t, "linearized", false, 5, "", Eval(0.6, 0.03 + boost, t == 1 ? 0.8 : 0.05)));
                children.Add(new(parent, 0, t, "centered", false, 5, "", Eval(0.4, (t == 1 ? 0.1 : 0.25) + boost)));
            }
        var parents = new List<ParentResult>
        {
            new("benign", 0, 1, Eval(0.3, 0.01)), new("benign", 0, 10, Eval(0.6, 0.05)),
            new("adversarial", 0, 1, Eval(0.3, 0.2)), new("adversarial", 0, 10, Eval(0.45, 0.30)),
        };
        var cross = new CrossKernelResult(0, 0.4, [new(4, 0.1, 0.5), new(5, 0.1, 0.5), new(6, 0.3, 0.2), new(10, 0.4, 0.05)]);
        return new ReproductionResults("mini", scale, "d", "m", 10, 5, [], stage1, parents, children,
            [new("benign", 0, 10, "centered", true, 5, "", Eval(0.5, 0.33))], [cross], [], "", "");
    }

    [Fact]
    public void WhereEveryCheckHoldsEveryCheckableClaimIsReproduced()
    {
        var verdicts = ClaimRegistry.Evaluate(Holding());
        var notRun = verdicts.Where(v => v.Status == Verdicts.NotRun).Select(v => v.Id).ToList();
        Assert.Equal(["C1", "C16", "C17"], notRun);
        Assert.All(verdicts.Where(v => v.Status != Verdicts.NotRun), v => Assert.True(v.Status == Verdicts.Reproduced, $"{v.Id}: {v.Measured}"));
    }

    [Fact]
    public void AChecksFailureIsNotReproducedWithTheMeasuredFigures()
    {
        var r = Holding();
        // Benign children made robust: C10 (little to no robustness) must fail.
        var broken = r with { Children = r.Children.Select(c => c.ParentSchedule == "benign" && c.Dynamics == "standard" ? c with { Eval = Eval(0.6, 0.4) } : c).ToList() };
        var c10 = ClaimRegistry.Evaluate(broken).Single(v => v.Id == "C10");
        Assert.Equal(Verdicts.NotReproduced, c10.Status);
        Assert.Contains("40.0%", c10.Measured);
    }

    [Fact]
    public void SmokeScaleChecksNothingAndSaysWhy()
    {
        var verdicts = ClaimRegistry.Evaluate(Holding("smoke"));
        Assert.All(verdicts, v => Assert.Equal(Verdicts.NotRun, v.Status));
        Assert.Contains("synthetic", verdicts.Single(v => v.Id == "C4").Measured);
    }

    [Fact]
    public void AMissingStepIsNotRunWithTheReason()
    {
        var r = Holding() with { FixedKernel = [] };
        var c15 = ClaimRegistry.Evaluate(r).Single(v => v.Id == "C15");
        Assert.Equal(Verdicts.NotRun, c15.Status);
        Assert.Contains("section-7", c15.Measured);
    }

    [Fact]
    public void FigureSetsCompareWithinTolerance()
    {
        var r = Holding();
        var a = FigureSet.From(r, ClaimRegistry.Evaluate(r));
        Assert.Empty(a.CompareTo(a));
        var nudged = a with { Figures = a.Figures.Select(f => f.Name == "stage1.benign.final.clean" ? f with { Value = f.Value + 0.02 } : f).ToList() };
        Assert.Empty(nudged.CompareTo(a));
        var moved = a with { Figures = a.Figures.Select(f => f.Name == "stage1.benign.final.clean" ? f with { Value = f.Value + 0.05 } : f).ToList() };
        var diff = Assert.Single(moved.CompareTo(a));
        Assert.Equal("stage1.benign.final.clean", diff.Name);
        Assert.Contains("±0.03", FigureSet.FormatDifferences([diff]));
        var verdictChanged = a with { Verdicts = a.Verdicts.Select(v => v.Id == "C4" ? v with { Status = Verdicts.NotReproduced } : v).ToList() };
        Assert.Contains(verdictChanged.CompareTo(a), d => d.Name.Contains("verdict C4"));
    }

    [Fact]
    public void ReportListsEveryClaimDeviationAndPanel()
    {
        var r = Holding() with { Deviations = ["fewer epochs"] };
        var dir = TestData.TempDir("report");
        var path = ReportWriter.Write(r, ClaimRegistry.Evaluate(r), dir);
        var text = File.ReadAllText(path);
        Assert.All(ClaimRegistry.All, c => Assert.Contains($"| {c.Id} |", text));
        Assert.Contains("- fewer epochs", text);
        Assert.Contains("✅ reproduced", text);
        foreach (var png in new[] { "fig1a-velocity.png", "fig1b-distance-to-final.png", "fig2-benign-parent-robust.png", "fig2-first-order.png" })
        {
            Assert.Contains($"]({png})", text);
            var bytes = File.ReadAllBytes(Path.Combine(dir, png));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }
}

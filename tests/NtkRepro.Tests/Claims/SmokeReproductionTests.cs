using NtkRepro.Claims;
using NtkRepro.Experiments;
using NtkRepro.Reporting;
using NtkRepro.Tests.Infrastructure;
using NtkRepro.Util;
using Xunit;
using NtkRepro.Runs;

namespace NtkRepro.Tests.Claims;

/// <summary>
/// `ntkrepro reproduce --preset smoke` end to end through the command line: every step of the
/// pipeline on synthetic data, the report, and the figures against the committed smoke baseline.
/// </summary>
[Trait("Tier", Tiers.Smoke)]
public class SmokeReproductionTests
{
    [Fact]
    public void ReproduceSmokeRunsEveryStepWritesTheReportAndMatchesTheBaseline()
    {
        var dir = TestData.TempDir("smoke");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NtkRepro.Cli.Program.Run(["reproduce", "--preset", "smoke", "--out", dir], output, error);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var results = Json.Read<ReproductionResults>(Path.Combine(dir, "results.json"));
        Assert.Equal(3, results.Stage1.Count);
        Assert.Equal(2 * 2 * 3, results.Children.Count);
        Assert.Single(results.FixedKernel);
        Assert.All(results.Children.Concat(results.FixedKernel), c => Assert.True(c.Eval.Sanity.Ok, c.Run));
        foreach (var file in new[] { "README.md", "fig1a-velocity.png", "fig1b-distance-to-final.png", "fig1c-effective-rank.png",
                     "fig1d-specialization.png", "fig2-benign-parent-robust.png", "fig2-adversarial-parent-clean.png", "fig2-first-order.png" })
            Assert.True(new FileInfo(Path.Combine(dir, "report", file)).Length > 0, file);
        var verdicts = ClaimRegistry.Evaluate(results);
        Assert.All(verdicts, v => Assert.Equal(Verdicts.NotRun, v.Status));
        Baselines.Verify(FigureSet.From(results, verdicts));

        // A rerun reuses every step.
        var again = new StringWriter();
        Assert.Equal(0, NtkRepro.Cli.Program.Run(["reproduce", "--preset", "smoke", "--out", dir], again, error));
        var rerun = Json.Read<ReproductionResults>(Path.Combine(dir, "results.json"));
        Assert.All(rerun.Timings.Where(t => !t.Step.StartsWith("evaluate")), t => Assert.True(t.Cached, t.Step));
    }
}

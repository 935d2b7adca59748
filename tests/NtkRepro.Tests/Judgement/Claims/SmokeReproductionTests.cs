using NtkRepro.Cli;
using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>`ntkrepro reproduce --preset smoke` once, in-process, into a temporary store.</summary>
public sealed class SmokeReproduction
{
    public SmokeReproduction()
    {
        Store = TestData.TempDir("smoke");
        var (code, output, error) = CliProcess.InProcess("reproduce", "--preset", "smoke", "--out", Store);
        Output = output;
        Results = Json.Read<ReproductionResults>(Path.Combine(Store, "results.json"));
        Assert.True(code == ExpectedExitCode(Results), $"exit {code}: {error}\n{output}");
    }

    public string Store { get; }
    public string Output { get; }
    public ReproductionResults Results { get; }

    /// <summary>What reproduce must end with on these results: 1 when an evaluation's attack sanity or a masking suite's checks failed, else 0.</summary>
    public static int ExpectedExitCode(ReproductionResults r)
    {
        var evals = r.Variants.SelectMany(v => v.Stage1.Select(s => s.FinalEval).Concat(v.Parents.Select(p => p.Eval)).Concat(v.AllChildren.Select(c => c.Eval))).OfType<EvalResult>();
        return evals.Any(e => !e.Sanity.Ok || e.Masking is { Ok: false }) ? 1 : 0;
    }
}

/// <summary>
/// The smoke preset end to end through the command line: every step of the plan on synthetic
/// data, the report, the figures against the committed smoke baseline; the same plan run as a
/// scheduler would (every step its own process, wave by wave) and merged into the same report;
/// a partial store's report; a moved store reused as it is.
/// </summary>
[Tier(TestTier.Smoke)]
public class SmokeReproductionTests(SmokeReproduction smoke) : IClassFixture<SmokeReproduction>
{
    [Fact]
    public void OneWorkerInProcessAndSeveralWorkerProcessesWriteBitIdenticalFigures()
    {
        // The fixture ran with the default --jobs (the machine's cores, worker processes of one thread each); this runs in-process, one step at a time.
        var single = TestData.TempDir("smoke-jobs1");
        var (code, output, error) = CliProcess.InProcess("reproduce", "--preset", "smoke", "--out", single, "--jobs", "1");
        Assert.True(code == SmokeReproduction.ExpectedExitCode(smoke.Results), $"exit {code}: {error}\n{output}");
        var (compared, table, _) = CliProcess.InProcess("compare", smoke.Store, single);
        Assert.True(compared == 0, table);
        Assert.Contains("exact mode (the fingerprints are equal)", table);
        Assert.Contains("0 figure(s) differ", table);
    }

    [Fact]
    public void ReproduceSmokeRunsEveryStepWritesTheReportAndMatchesTheBaseline()
    {
        var r = smoke.Results;
        Assert.Equal(["synthetic-eps4", "synthetic-eps8"], r.Variants.Select(x => x.Variant.Name));
        var v = r.Variants[0];
        Assert.True(r.Progress.Complete);
        Assert.Equal(2 * 3, v.Stage1.Count);
        Assert.All(v.Stage1, s => Assert.NotNull(s.Kernels));
        Assert.Equal(2 * 2 * 2 * 3, v.Children.Count);
        Assert.Equal(2, v.FixedKernel.Count);
        Assert.All(v.Children.Concat(v.FixedKernel), c => Assert.True(c.Eval.Sanity.Ok, c.Run));
        // The masking suite ran on every robust figure a claim reads: the children at the last spawn epoch and the section-7 run.
        Assert.All(v.Children.Where(c => c.SpawnEpoch == 3).Concat(v.FixedKernel), c => Assert.NotNull(c.Eval.Masking));
        Assert.Equal(2, v.EigenImages!.Count);
        Assert.All(v.EigenImages, e => Assert.All(Enum.GetValues<EigenKernel>(), k => Assert.NotNull(e.Row(k))));
        // ε = 8/255 at its reduced scope: no switch run, one spawn epoch, no section 7, no eigen-images.
        var at8 = r.Variants[1];
        Assert.Equal([ScheduleKind.Benign, ScheduleKind.Adversarial], at8.Stage1.Select(x => x.Schedule).Distinct().Order());
        Assert.All(at8.Children, c => Assert.Equal(3, c.SpawnEpoch));
        Assert.Empty(at8.FixedKernel);
        Assert.Empty(at8.EigenImages ?? []);
        var readme = File.ReadAllText(Path.Combine(smoke.Store, "report", "README.md"));
        Assert.Contains("## Gradient-masking checks", readme);
        Assert.Contains("### Verdicts side by side", readme);
        Assert.True(new FileInfo(Path.Combine(smoke.Store, "report", "synthetic-eps4-eigen-class-0.png")).Length > 0);
        Assert.Contains("oneDNN", r.Timings[0].Machine);
        foreach (var file in new[] { "README.md" }.Concat(new[] { "fig1a-velocity.png", "fig1b-distance-to-final.png", "fig1c-effective-rank.png",
                     "fig1d-specialization.png", "fig2-benign-parent-robust.png", "fig2-adversarial-parent-clean.png", "fig2-first-order.png" }.Select(f => "synthetic-eps4-" + f)))
            Assert.True(new FileInfo(Path.Combine(smoke.Store, "report", file)).Length > 0, file);
        var verdicts = ClaimRegistry.Evaluate(r);
        Assert.All(verdicts, x => Assert.Contains(x.Verdict, new[] { Verdict.NotTestable, Verdict.NotRun }));
        BaselineSnapshots.Verify(FigureSet.From(r, verdicts));
    }

    [Fact]
    public void ARerunReusesEveryStepEvenFromAMovedStore()
    {
        var moved = smoke.Store + "-moved";
        TestData.CopyDirectory(smoke.Store, moved);
        var (code, output, error) = CliProcess.InProcess("reproduce", "--preset", "smoke", "--out", moved);
        Assert.True(code == SmokeReproduction.ExpectedExitCode(smoke.Results), $"exit {code}: {error}\n{output}");
        Assert.DoesNotContain("done: ", output.Replace("done: report", ""));
        var rerun = Json.Read<ReproductionResults>(Path.Combine(moved, "results.json"));
        Assert.All(rerun.Timings, t => Assert.True(t.Cached, t.Step));
        Assert.Equal(Normalized(smoke.Results), Normalized(rerun));
        // The rerun is in the ledger, computing nothing, so the report's wall time is still the first invocation's.
        var ledger = InvocationLedger.Read(moved);
        Assert.Equal(2, ledger.Count);
        Assert.Equal((0, Planner.For(Presets.Smoke).Steps.Count - 1), (ledger[1].Computed, ledger[1].Reused));
        Assert.Equal(InvocationLedger.Describe(ledger.Take(1).ToList()), InvocationLedger.Describe(ledger));
    }

    [Fact]
    public void TheReportStatesWallTimeComputeAndTheMachine()
    {
        // The fixture's one invocation: every step but the report computed by worker processes, its wall time recorded before the report was written.
        var ledger = InvocationLedger.Read(smoke.Store);
        var only = Assert.Single(ledger);
        Assert.Equal((Planner.For(Presets.Smoke).Steps.Count - 1, 0, 0), (only.Computed, only.Reused, only.Failed));
        Assert.Equal((Environment.ProcessorCount, 1), (only.Jobs, only.ThreadsPerStep));
        Assert.InRange(only.WallSeconds, 0.1, 3600);
        var lines = File.ReadAllLines(Path.Combine(smoke.Store, "report", "README.md"));
        Assert.Contains($"- **Wall time:** {InvocationLedger.Describe(ledger)}", lines);
        Assert.Single(lines, l => l.StartsWith("- **Compute:** ", StringComparison.Ordinal));
        var machine = Assert.Single(lines, l => l.StartsWith("- **Machine:** ", StringComparison.Ordinal));
        Assert.DoesNotContain(NtkRepro.Numerics.Native.Libtorch.Describe(), machine); // the folder libtorch was loaded from is not the machine
        Assert.Contains("libtorch: ", machine);
    }

    [Fact]
    public void TheSmokePlanRunAsASchedulerWouldMergesIntoTheSameReport()
    {
        var store = TestData.TempDir("scheduled");
        var plan = Planner.For(Presets.Smoke);
        int w = 0, failedChecks = 0;
        foreach (var wave in plan.Waves)
        {
            foreach (var step in wave)
            {
                var (code, output) = CliProcess.Run(["run-step", step.Key, "--preset", "smoke", "--store", store], limit: TimeSpan.FromMinutes(3));
                // A step whose output failed a check ends with 1 and names it.
                bool failedCheck = output.Contains($"warning: {step.Key} failed");
                Assert.True(code == (failedCheck ? 1 : 0), $"wave {w}, {step.Key}: exit {code}\n{output}");
                failedChecks += failedCheck ? 1 : 0;
            }
            if (w == 0)
            {
                // After the first wave the report already works, with every claim waiting.
                var (code, output, error) = CliProcess.InProcess("report", "--preset", "smoke", "--store", store);
                Assert.True(code == 0, error);
                Assert.Contains("steps are still waiting", output);
                var partial = Json.Read<ReproductionResults>(Path.Combine(store, "results.json"));
                Assert.Equal(plan.Waves[0].Count, partial.Progress.StepsDone);
            }
            w++;
        }
        var scheduled = Json.Read<ReproductionResults>(Path.Combine(store, "results.json"));
        Assert.True(scheduled.Progress.Complete);
        Assert.Equal(SmokeReproduction.ExpectedExitCode(scheduled) == 1, failedChecks > 0);
        Assert.Equal(Normalized(smoke.Results), Normalized(scheduled));
    }

    [Fact]
    public void AStepWhoseDependencyHasNotRunIsRefusedNamingIt()
    {
        var (code, _, error) = CliProcess.InProcess("run-step", "synthetic/r0/kernels/benign", "--preset", "smoke", "--store", TestData.TempDir("refuse"));
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("its dependency synthetic/r0/stage1/benign has not run yet", error);
    }

    /// <summary>The figures and verdicts of results, without timings and machine lines.</summary>
    private static string Normalized(ReproductionResults r) =>
        Json.Serialize(FigureSet.From(r, ClaimRegistry.Evaluate(r)));
}

using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Native;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>`ntkrepro reproduce --preset gpu-smoke-cpu` once, in-process, where real CIFAR-10 is at hand (the tests that read it are skipped otherwise).</summary>
public sealed class GpuSmokeCpuReproduction
{
    private readonly Lazy<(string Store, ReproductionResults Results, string Output)> _run = new(() =>
    {
        var store = TestData.TempDir("gpu-smoke-cpu");
        var (code, output, error) = CliProcess.InProcess("reproduce", "--preset", Presets.GpuSmokeCpu.Name, "--out", store);
        var results = Json.Read<ReproductionResults>(Path.Combine(store, "results.json"));
        Assert.True(code == SmokeReproduction.ExpectedExitCode(results), $"exit {code}: {error}\n{output}");
        return (store, results, output);
    });

    public string Store => _run.Value.Store;
    public ReproductionResults Results => _run.Value.Results;
    public string Output => _run.Value.Output;
}

/// <summary>
/// The GPU smoke preset's code path on the CPU, on every CI run: ResNet-18 on real CIFAR-10
/// through every step kind and the report, its figures against the committed baseline (which the
/// GPU bundle also carries, to set a CUDA run beside).
/// </summary>
[Tier(TestTier.Smoke)]
public class GpuSmokeReproductionTests(GpuSmokeCpuReproduction run) : IClassFixture<GpuSmokeCpuReproduction>
{
    [CifarFact]
    public void EveryStepKindRunsOnResNet18AndTheFiguresMatchTheBaseline()
    {
        var r = run.Results;
        Assert.True(r.Progress.Complete);
        Assert.StartsWith($"{ModelSpec.ResNet18} (width {Presets.GpuSmokeCpu.Width},", r.Model);
        var ran = r.Timings.Where(t => !t.Cached).Select(t => t.Kind!.Split('/')[0]).ToHashSet();
        Assert.All(StepKinds.Data.Kinds, k => Assert.Contains(k.Name.Split('/')[0], ran));
        Assert.All(r.Timings, t => Assert.Contains(MachineDescription.LibtorchSegment + Libtorch.BuiltAgainst, t.Machine));
        var v = Assert.Single(r.Variants);
        Assert.Equal(3 * Presets.GpuSmokeCpu.Replicates, v.Stage1.Count);
        Assert.All(v.Stage1, s => Assert.NotNull(s.Kernels));
        Assert.All(v.AllChildren, c => Assert.True(c.Eval.Sanity.Ok, c.Run));
        Assert.NotEmpty(v.FixedKernel);
        Assert.All(v.FixedKernel, c => Assert.NotNull(c.Eval.Masking));
        Assert.Equal(Presets.GpuSmokeCpu.Replicates, v.EigenImages!.Count);
        var readme = File.ReadAllText(Path.Combine(run.Store, "report", "README.md"));
        Assert.Contains("## Gradient-masking checks", readme);
        var verdicts = ClaimRegistry.Evaluate(r);
        Assert.All(verdicts, x => Assert.Contains(x.Verdict, new[] { Verdict.NotTestable, Verdict.NotRun }));
        BaselineSnapshots.Verify(FigureSet.From(r, verdicts));
    }
}

using NtkRepro.Claims;
using NtkRepro.Reporting;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Claims;

public static class ClaimCatalog
{
    public static IEnumerable<object[]> Ids => ClaimRegistry.All.Select(c => new object[] { c.Id });
}

/// <summary>
/// The paper's claims as tests, one per claim, at the fixture's scale (every variant). A claim not
/// testable there, or not run, is skipped with the reason. A tested claim's verdict is compared
/// with the reviewed baseline: the same verdict passes; a changed one fails unless its test
/// statistics stayed within their measured tolerance (a borderline claim at this scale, reported
/// in the output), and reproduced ↔ contradicted always fails. Without a baseline the verdict is
/// only reported (the figures test writes the baseline, or fails in strict mode). The figures must
/// match the baseline within tolerances measured from the replicate spread. The same test code
/// serves the Mini (CPU) and Gpu tiers.
/// </summary>
public abstract class ClaimTests<TFixture>(TFixture fixture, ITestOutputHelper output) where TFixture : ReproductionFixture
{
    [SkippableTheory]
    [MemberData(nameof(ClaimCatalog.Ids), MemberType = typeof(ClaimCatalog))]
    public void Claim(string id)
    {
        Skip.If(fixture.SkipReason != null, fixture.SkipReason);
        var results = fixture.Results!;
        var all = ClaimRegistry.Evaluate(results);
        var verdicts = all.Where(v => v.Id == id).ToList();
        Skip.If(verdicts.All(v => v.Verdict is Verdict.NotTestable or Verdict.NotRun),
            $"{id} is {VerdictText.Of(verdicts[0].Verdict)} at the {fixture.Preset.Name} preset: {verdicts[0].Measured}");
        foreach (var v in verdicts) output.WriteLine($"{id} ({v.Variant}): {VerdictText.Of(v.Verdict)}. {v.Measured}");
        var baseline = Baselines.Read(fixture.Preset.Name);
        if (baseline is null) return;
        var received = FigureSet.From(results, all);
        var diffs = received.CompareTo(baseline).Where(d => d.Name.StartsWith($"verdict {id} ")).ToList();
        foreach (var d in diffs.Where(d => !d.Fails)) output.WriteLine($"{d.Name}: {d.Baseline} → {d.Received} ({d.Tolerance})");
        var failing = diffs.Where(d => d.Fails).ToList();
        Assert.True(failing.Count == 0, $"{id}: the verdict changed from the reviewed baseline:\n{FigureSet.FormatDifferences(failing)}\n" +
                                        string.Join("\n", verdicts.Select(v => $"{v.Variant}: {v.Measured}")));
    }

    [SkippableFact]
    public void FiguresMatchTheCommittedBaseline()
    {
        Skip.If(fixture.SkipReason != null, fixture.SkipReason);
        foreach (var line in Baselines.Verify(FigureSet.From(fixture.Results!, ClaimRegistry.Evaluate(fixture.Results!)))) output.WriteLine(line);
    }
}

[Tier(TestTier.Mini)]
public sealed class MiniClaimTests(MiniReproduction fixture, ITestOutputHelper output) : ClaimTests<MiniReproduction>(fixture, output), IClassFixture<MiniReproduction>;

[Tier(TestTier.Gpu)]
public sealed class GpuClaimTests(NightlyGpuReproduction fixture, ITestOutputHelper output) : ClaimTests<NightlyGpuReproduction>(fixture, output), IClassFixture<NightlyGpuReproduction>;

using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Judgement.Claims;

public static class ClaimCatalog
{
    public static IEnumerable<object[]> Ids => ClaimRegistry.All.Select(c => new object[] { c.Id });
}

/// <summary>
/// The paper's claims as tests, one per claim, at the fixture's scale (every variant). A claim not
/// testable there, or not run, is skipped with the reason. A tested claim's verdict is compared
/// with the reviewed baseline by <see cref="SnapshotComparison"/>: the same verdict passes; a changed
/// one fails unless the comparison finds it borderline (<see cref="VerdictChanges"/>), reported in
/// the output. Without a baseline the verdict is
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
        var baseline = BaselineSnapshots.Read(fixture.Preset.Name);
        if (baseline is null) return;
        var report = SnapshotComparison.Compare(baseline, FigureSet.From(results, all));
        var rows = report.Rows.Where(d => d.Name.StartsWith($"verdict {id} ", StringComparison.Ordinal)).ToList();
        foreach (var d in rows.Where(d => !d.Fails)) output.WriteLine($"{d.Name}: {d.Baseline} → {d.Received} ({d.Tolerance})");
        var failing = rows.Where(d => d.Fails).ToList();
        Assert.True(failing.Count == 0, $"{id}: the verdict changed from the reviewed baseline ({report.Mode.ToString().ToLowerInvariant()} mode):\n" +
                                        string.Join("\n", failing.Select(d => $"{d.Name}: {d.Baseline} → {d.Received} ({d.Tolerance})")) + "\n" +
                                        string.Join("\n", verdicts.Select(v => $"{v.Variant}: {v.Measured}")));
    }

    [SkippableFact]
    public void FiguresMatchTheCommittedBaseline()
    {
        Skip.If(fixture.SkipReason != null, fixture.SkipReason);
        foreach (var line in BaselineSnapshots.Verify(FigureSet.From(fixture.Results!, ClaimRegistry.Evaluate(fixture.Results!)))) output.WriteLine(line);
    }
}

[Tier(TestTier.Mini)]
public sealed class MiniClaimTests(MiniReproduction fixture, ITestOutputHelper output) : ClaimTests<MiniReproduction>(fixture, output), IClassFixture<MiniReproduction>;

[Tier(TestTier.Gpu)]
public sealed class GpuClaimTests(NightlyGpuReproduction fixture, ITestOutputHelper output) : ClaimTests<NightlyGpuReproduction>(fixture, output), IClassFixture<NightlyGpuReproduction>;

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
/// The paper's claims as tests, one per claim, at the fixture's scale. A claim not checkable there
/// is skipped with the reason. A checkable one is evaluated and its verdict must be the one in
/// the reviewed baseline: a claim reproduced there must stay reproduced, and a claim recorded as
/// not reproduced at this scale (the report says so, with the measured figures) fails the test
/// the day its verdict changes, so that the change is reviewed. Without a baseline, a checkable
/// claim must be reproduced. The measured figures must also match the committed baseline within
/// their tolerances. The same test code serves the Mini (CPU) and Gpu tiers.
/// </summary>
public abstract class ClaimTests<TFixture>(TFixture fixture, ITestOutputHelper output) where TFixture : ReproductionFixture
{
    [SkippableTheory]
    [MemberData(nameof(ClaimCatalog.Ids), MemberType = typeof(ClaimCatalog))]
    public void Claim(string id)
    {
        Skip.If(fixture.SkipReason != null, fixture.SkipReason);
        var claim = ClaimRegistry.All.Single(c => c.Id == id);
        var verdict = ClaimVerdict.For(claim, fixture.Results!);
        Skip.If(verdict.Status == Verdicts.NotRun, $"{id} is not checkable at the {fixture.Preset.Scale} scale: {verdict.Measured}");
        var expected = Baselines.Read(fixture.Preset.Name)?.Verdicts.FirstOrDefault(v => v.Id == id)?.Status ?? Verdicts.Reproduced;
        output.WriteLine($"{id} {verdict.Status} at the {fixture.Preset.Scale} scale (reviewed baseline: {expected}). Measured: {verdict.Measured}");
        Assert.True(verdict.Status == expected,
            $"{id} is {verdict.Status} at the {fixture.Preset.Scale} scale; the reviewed baseline says {expected}.\nClaim: {claim.Statement}\nCheck: {claim.Check}\nMeasured: {verdict.Measured}");
    }

    [SkippableFact]
    public void FiguresMatchTheCommittedBaseline()
    {
        Skip.If(fixture.SkipReason != null, fixture.SkipReason);
        Baselines.Verify(FigureSet.From(fixture.Results!, ClaimRegistry.Evaluate(fixture.Results!)));
    }
}

[Trait("Tier", Tiers.Mini)]
public sealed class MiniClaimTests(MiniReproduction fixture, ITestOutputHelper output) : ClaimTests<MiniReproduction>(fixture, output), IClassFixture<MiniReproduction>;

[Trait("Tier", Tiers.Gpu)]
public sealed class GpuClaimTests(NightlyGpuReproduction fixture, ITestOutputHelper output) : ClaimTests<NightlyGpuReproduction>(fixture, output), IClassFixture<NightlyGpuReproduction>;

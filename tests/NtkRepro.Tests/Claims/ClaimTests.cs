using NtkRepro.Claims;
using NtkRepro.Reporting;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Claims;

public static class ClaimCatalog
{
    public static IEnumerable<object[]> Ids => ClaimRegistry.All.Select(c => new object[] { c.Id });
}

/// <summary>
/// The paper's claims as tests, one per claim, at the fixture's scale: a claim checkable there
/// must be reproduced; one that is not checkable there is skipped with the reason. The measured
/// figures must also match the committed baseline within their tolerances. The same test code
/// serves the Mini (CPU) and Gpu tiers.
/// </summary>
public abstract class ClaimTests<TFixture>(TFixture fixture) where TFixture : ReproductionFixture
{
    [SkippableTheory]
    [MemberData(nameof(ClaimCatalog.Ids), MemberType = typeof(ClaimCatalog))]
    public void Claim(string id)
    {
        Skip.If(fixture.SkipReason != null, fixture.SkipReason);
        var claim = ClaimRegistry.All.Single(c => c.Id == id);
        var verdict = ClaimVerdict.For(claim, fixture.Results!);
        Skip.If(verdict.Status == Verdicts.NotRun, $"{id} is not checkable at the {fixture.Preset.Scale} scale: {verdict.Measured}");
        Assert.True(verdict.Status == Verdicts.Reproduced,
            $"{id} not reproduced at the {fixture.Preset.Scale} scale.\nClaim: {claim.Statement}\nCheck: {claim.Check}\nMeasured: {verdict.Measured}");
    }

    [SkippableFact]
    public void FiguresMatchTheCommittedBaseline()
    {
        Skip.If(fixture.SkipReason != null, fixture.SkipReason);
        Baselines.Verify(FigureSet.From(fixture.Results!, ClaimRegistry.Evaluate(fixture.Results!)));
    }
}

[Trait("Tier", Tiers.Mini)]
public sealed class MiniClaimTests(MiniReproduction fixture) : ClaimTests<MiniReproduction>(fixture), IClassFixture<MiniReproduction>;

[Trait("Tier", Tiers.Gpu)]
public sealed class GpuClaimTests(NightlyGpuReproduction fixture) : ClaimTests<NightlyGpuReproduction>(fixture), IClassFixture<NightlyGpuReproduction>;

using System.Text.RegularExpressions;
using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using NtkRepro.Tests.Judgement.Claims;
using Xunit;

namespace NtkRepro.Tests.Judgement.Baselines;

/// <summary>A claim test's figure is named by the test's id, so a reworded label leaves every baseline as it is.</summary>
[Tier(TestTier.Fast)]
public partial class FigureIdentityTests
{
    [GeneratedRegex(@"^[a-z0-9@.\-]+$")]
    private static partial Regex IdForm();

    private static readonly Lazy<(ReproductionResults Results, IReadOnlyList<ClaimVerdict> Verdicts)> Judged = new(() =>
    {
        var r = ResultsBuilder.TwoRadii(new ResultsBuilder(), new ResultsBuilder());
        return (r, ClaimRegistry.Evaluate(r));
    });

    [Fact]
    public void EveryRecordedTestCarriesAnIdOfItsOwnThatIsNotItsLabel()
    {
        var recorded = Judged.Value.Verdicts.Where(v => !v.ReadsOtherClaims).SelectMany(v => v.RecordedTests.Select(t => (v.Id, v.Variant, Test: t))).ToList();
        var claims = recorded.Select(x => x.Id).Distinct().ToList();
        Assert.True(claims.Count >= 10, $"the constructed results should record tests of most claims: {string.Join(", ", claims)}");
        Assert.All(recorded, x =>
        {
            Assert.NotNull(x.Test.Id);
            Assert.Matches(IdForm(), x.Test.Id);
            Assert.NotEqual(x.Test.Name, x.Test.Id);
        });
        Assert.All(recorded.GroupBy(x => (x.Id, x.Variant)), g => Assert.Equal(g.Count(), g.Select(x => x.Test.Id).Distinct().Count()));
    }

    [Fact]
    public void RewordingEveryLabelLeavesEveryFigureNameAndValueAsItWas()
    {
        var (results, verdicts) = Judged.Value;
        static IReadOnlyList<TestResult> Reword(IReadOnlyList<TestResult> tests) => tests.Select(t => t with { Name = "reworded " + t.Name }).ToList();
        var reworded = verdicts.Select(v => v with { Tests = Reword(v.Tests), SetAsideTests = Reword(v.SetAsideTests) }).ToList();
        var before = FigureSet.From(results, verdicts);
        var after = FigureSet.From(results, reworded);
        Assert.Equal(before.Figures.Select(f => f.Name), after.Figures.Select(f => f.Name));
        Assert.Equal(before.Verdicts.SelectMany(v => v.Figures), after.Verdicts.SelectMany(v => v.Figures));
        Assert.True(SnapshotComparison.Compare(before, after).Matches);
        Assert.Contains(before.Figures, f => f.Name == "cifar10-eps4.claim.C8.benign-minus-at-specialization");
    }

    [Fact]
    public void ATestWithoutAnIdCannotBeRecordedAndTheErrorNamesIt()
    {
        var (results, verdicts) = Judged.Value;
        var c8 = verdicts.First(v => v.Id == "C8");
        var anonymous = verdicts.Select(v => v == c8 ? v with { Tests = v.Tests.Select(t => t with { Id = null }).ToList() } : v).ToList();
        var e = Assert.Throws<InvalidOperationException>(() => FigureSet.From(results, anonymous));
        Assert.Contains("C8's test 'benign − AT specialization' has no id", e.Message);
    }
}

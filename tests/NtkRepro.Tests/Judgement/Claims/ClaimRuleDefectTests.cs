using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Rule = NtkRepro.Judgement.Claims.Tests;
using V = NtkRepro.Judgement.Claims.Verdict;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>
/// The defects a statistical review found in the claim rules, each on constructed results that the
/// earlier rules judged wrongly (C17 and masked claims, replicates counted on the data, the
/// family-wise column's family, ratios on the log scale, the delta method, figures at a floor,
/// exclusive verdict categories, out of scope against not run).
/// </summary>
[Tier(TestTier.Fast)]
public class ClaimRuleDefectTests
{
    private static ClaimVerdict Verdict(ReproductionResults r, string id, string variant = "cifar10-eps4") =>
        ClaimRegistry.Evaluate(r).Single(v => v.Id == id && v.Variant == variant);

    /// <summary>Every child of a variant with a masking suite whose ε sweep ends blind: a failed masking check.</summary>
    private static VariantResults Masked(VariantResults v)
    {
        ChildResult Blind(ChildResult c) => c with { Eval = c.Eval with { Masking = ResultsBuilder.Masking(c.Eval.RobustCorrect!.Value.First(50).ToString(), v.Variant.Epsilon, blindSweep: true) } };
        return v with { Children = v.Children.Select(Blind).ToList(), FixedKernel = v.FixedKernel.Select(Blind).ToList() };
    }

    [Fact]
    public void C17NamesAClaimMaskedAt8AndCannotReadReproducedWithoutIt()
    {
        var two = ResultsBuilder.TwoRadii(new ResultsBuilder(), new ResultsBuilder());
        var masked = two with { Variants = [two.Variants[0], Masked(two.Variants[1])] };
        Assert.True(Verdict(masked, "C3", "cifar10-eps8").MaskingSuspected);
        var c17 = Verdict(masked, "C17");
        Assert.Equal(V.Inconclusive, c17.Verdict); // the old rule dropped C3 silently and read "reproduced"
        Assert.Contains(c17.Tests, t => t.Name == "C3: not compared" && t.Interval == "masking suspected at 8/255");
        Assert.Contains(c17.Tests, t => t.Name.StartsWith("C8 at 8/255") && t.Decision == Decision.Supported);
    }

    [Fact]
    public void C17WithEveryClaimItReadsMaskedSaysSoInsteadOfThrowing()
    {
        // Kernel claims not testable (the benign runs never fit), so only children claims are reproduced at 4/255; all masked at 8/255.
        var unfit = new ResultsBuilder { TrainingAccuracy = (k, e, r) => 0.8 };
        var two = ResultsBuilder.TwoRadii(unfit, unfit);
        var masked = two with { Variants = [two.Variants[0], Masked(two.Variants[1])] };
        var c17 = Verdict(masked, "C17"); // the old rule threw (tests[^1] of an empty list)
        Assert.Equal(V.Inconclusive, c17.Verdict);
        Assert.All(c17.Tests.Where(t => t.Deciding), t => Assert.EndsWith(": not compared", t.Name));
        Assert.Contains(c17.Tests, t => t.Name == "C11: not compared");
    }

    [Fact]
    public void C17ContradictsOnlyBelowFivePercentOverTheClaimsItCompares()
    {
        // At 8/255 AT is slightly more specialized than benign: C8 contradicted there at its own 5% (p ≈ 0.01) …
        ReproductionResults With(double atSpecialization) => ResultsBuilder.TwoRadii(new ResultsBuilder(),
            new ResultsBuilder { Specialization = k => k == ScheduleKind.Benign ? 2.0 : atSpecialization });
        var weak = With(2.0058);
        var c8 = Verdict(weak, "C8", "cifar10-eps8");
        Assert.Equal(V.Contradicted, c8.Verdict);
        Assert.InRange(c8.FamilyP!.Value, 0.005, 0.05);
        // … but not below 0.05/J across the J ≥ 10 claims C17 compares: C17 is not contradicted (the old rule contradicted it).
        var c17 = Verdict(weak, "C17");
        Assert.NotEqual(V.Contradicted, c17.Verdict);
        Assert.Contains(c17.Tests, t => t.Name.StartsWith("C8 at 8/255") && t.Interval.Contains("not below 0.05/"));
        Assert.Equal(V.Contradicted, Verdict(With(2.05), "C17").Verdict);
    }

    [Fact]
    public void ReplicatesAreCountedOnTheFiguresATestReadsNotOnThePlan()
    {
        var full = new ResultsBuilder().Build();
        var v = full.Variants[0];
        // Only replicate 0's children have been evaluated: a partial store, three replicates' steps still waiting.
        var partial = full with
        {
            Variants = [v with { Children = v.Children.Where(c => c.Replicate == 0).ToList() }],
            Progress = new PlanProgress(10, 40, ["cifar10-eps4/r1/eval/stage2/adversarial-t10-centered"]),
        };
        var c3 = Verdict(partial, "C3");
        Assert.Equal(V.NotRun, c3.Verdict); // the old rule decided it from one seed (a standard error of test-set noise alone)
        Assert.Contains("1 replicate(s) contribute to", c3.Measured);
        var complete = partial with { Progress = new PlanProgress(40, 40, []) };
        var done = Verdict(complete, "C3");
        Assert.Equal(V.NotTestable, done.Verdict);
        Assert.Contains(done.Premises, p => p.Premise == "enough replicates" && p.Verdict == PremiseVerdict.Unmet);
        Assert.Contains(Verdict(full, "C3").Premises, p => p.Premise == "enough replicates" && p.Verdict == PremiseVerdict.Met);
    }

    [Fact]
    public void TheFamilyWiseColumnTakesEveryTestableClaimNotOnlyTheSignificantOnes()
    {
        ClaimVerdict Claim(string id, V verdict, double support) => new(id, "v", "", "", "", "", verdict, "",
            [new TestResult("t", Estimate.FromReplicates([1, 2, 3]), "", "", Decision.Undecided, "") { SupportP = support, AgainstP = 1 - support }]);
        var verdicts = new List<ClaimVerdict> { Claim("C8", V.Reproduced, 0.01) };
        verdicts.AddRange(Enumerable.Range(0, 5).Select(i => Claim($"X{i}", V.Inconclusive, 0.5)));
        verdicts.Add(new ClaimVerdict("C0", "v", "", "", "", "", V.NotTestable, "premise unmet", []));
        var family = ClaimRegistry.FamilyWise(verdicts);
        Assert.Equal(6, ClaimRegistry.FamilySize(verdicts));   // the not-testable claim is outside the family
        Assert.False(family[("C8", "v")]);                       // 0.01 > 0.05/6; the old family was {C8} alone
        Assert.Single(family);                                   // only decided claims get an entry
        Assert.True(ClaimRegistry.FamilyWise([Claim("C8", V.Reproduced, 0.005), .. verdicts.Skip(1)])[("C8", "v")]);
    }

    [Fact]
    public void RatiosAreTestedOnTheLogScaleSoOneSpikeDoesNotDecide()
    {
        double[] spikes = [5, 20, 3, 50];
        var linear = Rule.Above(new("spike", "spike"), Estimate.FromReplicates(spikes), 1.5);
        Assert.InRange(linear.Estimate.Lower(0.95), -6.5, -5.5);    // the old rule: lower bound about −6, not supported
        Assert.NotEqual(Decision.Supported, linear.Decision);
        var log = Rule.LogRatio(new("spike", "spike"), spikes, 1.5, below: false).Value;
        Assert.InRange(Math.Exp(log.Estimate.Lower(0.95)), 2.3, 2.6); // geometric: lower bound about 2.4
        Assert.True(log.SupportP <= 0.05);
        Assert.Contains("geometric mean 11", log.Interval);
        // The claims that read ratios use it.
        var r = new ResultsBuilder().Build();
        foreach (var id in new[] { "C4", "C5", "C6", "C14" })
            Assert.All(Verdict(r, id).Tests.Where(t => t.Deciding), t => Assert.EndsWith("(log)", t.Name));
        Assert.Equal(GapKind.Missing, Rule.LogRatio(new("bad", "bad"), [1, 0, 2], 0.5, below: true).Gap?.Kind);
    }

    [Fact]
    public void TheRelativeDifferenceCarriesTheDenominatorsUncertainty()
    {
        var a = new Estimate(12, 1, 3, [11, 12, 13, 12]);
        var b = new Estimate(20, 2, 3, [18, 20, 22, 20]);
        var r = Estimate.RelativeDifference(a, b);
        Assert.Equal(-0.4, r.Mean, 12);
        // Delta method: Var = SE_a²/b² + a²·SE_b²/b⁴ = 1/400 + 144·4/160000.
        Assert.Equal(Math.Sqrt(1.0 / 400 + 144.0 * 4 / 160000), r.StandardError, 12);
        // The old rule scaled a − b by 1/b: √5/20, which treats b as exact in the ratio and its spread as additive.
        Assert.NotEqual(Math.Sqrt(5) / 20, r.StandardError, 3);
        // Welch–Satterthwaite over the two terms.
        double va = 1.0 / 400, vb = 144.0 * 4 / 160000;
        Assert.Equal((va + vb) * (va + vb) / (va * va / 3 + vb * vb / 3), r.DegreesOfFreedom, 9);
    }

    /// <summary>Every child's robust correctness replaced by all zeros: every image broken.</summary>
    private static ReproductionResults AllBroken(ReproductionResults r)
    {
        var v = r.Variants[0];
        return r with
        {
            Variants = [v with
            {
                Children = v.Children.Select(c => c with
                {
                    Eval = c.Eval with { UncheckedRobustAccuracy = 0, UncheckedRobustCorrect = Correctness.Parse(new string('0', ResultsBuilder.Images)) }
                }).ToList(),
            }],
        };
    }

    [Fact]
    public void AFigureAtAFloorWithNoSpreadDecidesNothing()
    {
        var broken = AllBroken(new ResultsBuilder().Build());
        var c3 = Verdict(broken, "C3");
        Assert.Equal(V.NotTestable, c3.Verdict);
        Assert.Contains("no spread between replicates or images", c3.Measured);
        var c13 = Verdict(broken, "C13");
        Assert.Equal(V.NotTestable, c13.Verdict);
    }

    [Fact]
    public void EveryCombinationOfPValuesGivesExactlyOneDecisionAndTheVerdictCategoriesCannotCollide()
    {
        double[] ps = [0.001, 0.01, 0.02, 0.04, 0.06, 0.3, 0.9, 1];
        foreach (int k in new[] { 1, 2, 4 })
            foreach (var s in ps)
                foreach (var a in ps)
                    foreach (var f in ps)
                    {
                        var d = Claim.DecisionOf(s, a, f, k);
                        var expected = s <= 0.05 ? Decision.Supported : a <= 0.05 / k ? Decision.Contradicted : f <= 0.05 / k ? Decision.ShortOfMargin : Decision.Undecided;
                        Assert.Equal(expected, d);
                    }
        var all = Enum.GetValues<Decision>();
        foreach (var x in all)
            foreach (var y in all)
            {
                var v = VerdictText.From([x, y]);
                Assert.Equal(x == Decision.Contradicted || y == Decision.Contradicted, v == V.Contradicted);
                Assert.Equal(x == Decision.Supported && y == Decision.Supported, v == V.Reproduced);
                Assert.Equal(v != V.Contradicted && (x == Decision.ShortOfMargin || y == Decision.ShortOfMargin), v == V.BelowMargin);
            }
    }

    [Fact]
    public void EachIntervalRulesPValuesAgreeWithItsIntervals()
    {
        var rng = new Random(3);
        for (int i = 0; i < 400; i++)
        {
            var values = Enumerable.Range(0, 4).Select(_ => rng.NextDouble() * 2 - 0.5).ToList();
            var e = Estimate.FromReplicates(values);
            double margin = rng.NextDouble(), direction = margin - rng.NextDouble();
            var above = Rule.Above(new("x", "x"), e, margin, "", direction);
            Assert.Equal(e.Lower(0.95) > margin, above.SupportP <= 0.05);
            Assert.Equal(e.Upper(0.95) < direction, above.AgainstP <= 0.05);
            Assert.Equal(e.Upper(0.95) < margin, above.ShortfallP <= 0.05);
            var below = Rule.Below(new("x", "x"), e, margin, "", margin + 0.3);
            Assert.Equal(e.Upper(0.95) < margin, below.SupportP <= 0.05);
            Assert.Equal(e.Lower(0.95) > margin + 0.3, below.AgainstP <= 0.05);
            var band = Rule.OutsideBand(new("x", "x"), e, margin);
            Assert.Equal(e.Lower(0.975) > margin || e.Upper(0.975) < -margin, band.SupportP <= 0.05);
            Assert.Equal(e.Lower(0.975) > -margin && e.Upper(0.975) < margin, band.ShortfallP <= 0.05);
            Assert.Equal(1, band.AgainstP);
            // A claim never finds one test both contradicted and on the paper's side: the categories exclude each other.
            var decided = Claim.DecisionOf(above.SupportP, above.AgainstP, above.ShortfallP, 1);
            if (decided == Decision.Contradicted) Assert.False(e.Lower(0.95) > direction);
            if (decided == Decision.ShortOfMargin) Assert.False(e.Upper(0.95) < direction);
        }
    }

    [Fact]
    public void ClaimsThatAVariantDoesNotPlanAreOutOfScopeNotWaiting()
    {
        var reduced = new VariantScope([ScheduleKind.Benign, ScheduleKind.Adversarial], SectionSeven: false, EigenImages: false, "ε = 8/255 at reduced scope");
        var two = ResultsBuilder.TwoRadii(new ResultsBuilder(), new ResultsBuilder { Scope = reduced });
        foreach (var id in new[] { "C1", "C6", "C7", "C15", "C16" })
        {
            var v = Verdict(two, id, "cifar10-eps8");
            Assert.Equal(V.OutOfScope, v.Verdict); // the old rule said "not run"
            Assert.Contains("planned that way, not a missing step", v.Measured);
        }
        Assert.Equal(V.Reproduced, Verdict(two, "C3", "cifar10-eps8").Verdict);
        var c17 = Verdict(two, "C17");
        Assert.Contains(c17.Tests, t => t.Name == "C6: left out" && !t.Deciding);
        Assert.Equal(V.Reproduced, c17.Verdict);
    }
}

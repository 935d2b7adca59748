using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using V = NtkRepro.Judgement.Claims.Verdict;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>The premises of the paper's regime and the claim rules, each on constructed results that support, oppose or are null.</summary>
[Tier(TestTier.Fast)]
public class PremiseAndRuleTests(ITestOutputHelper output)
{
    private static ClaimVerdict Verdict(ReproductionResults r, string id, int variant = 0) =>
        ClaimRegistry.Evaluate(r).Single(v => v.Id == id && v.Variant == r.Variants[variant].Variant.Name);

    private static readonly string[] KernelClaims = ["C2", "C4", "C5", "C8", "C9", "C18"];

    [Fact]
    public void BenignRunsThatNeverFitMakeTheKernelClaimsNotTestableNamingThePremise()
    {
        var r = new ResultsBuilder { TrainingAccuracy = (k, e, rep) => k == ScheduleKind.Benign ? 0.8 : 1.0 }.Build();
        foreach (var id in KernelClaims)
        {
            var v = Verdict(r, id);
            Assert.Equal(V.NotTestable, v.Verdict);
            Assert.Contains("premise 'stage-1 fit' unmet: benign runs reach 99.0% (deadline: 4 epochs): r0: never (best 80.0% of 10 epochs)", v.Measured);
        }
        Assert.Equal(V.Reproduced, Verdict(r, "C3").Verdict); // children claims do not read stage-1 fit
    }

    [Fact]
    public void AFitAfterTheDeadlineOrThatDoesNotHoldIsNoFit()
    {
        // T = 10: the deadline is 4 epochs (40%).
        var late = new ResultsBuilder { TrainingAccuracy = (k, e, rep) => e >= 5 ? 1.0 : 0.5 }.Build();
        Assert.Contains("r0: after 6 of 10 epochs", Verdict(late, "C4").Measured);
        Assert.Equal(V.NotTestable, Verdict(late, "C4").Verdict);
        // Fitted after 2 epochs, then 1 of the 8 later epochs (12.5%, more than 10%) below 99%.
        var spiky = new ResultsBuilder { TrainingAccuracy = (k, e, rep) => e >= 1 && e != 6 ? 1.0 : 0.5 }.Build();
        Assert.Equal(V.NotTestable, Verdict(spiky, "C4").Verdict);
        Assert.Contains("87.5% of the later ones fitted", Verdict(spiky, "C4").Measured);
    }

    [Fact]
    public void APremiseMetByMostButNotAllReplicatesIsUndecidedAndTheClaimInconclusiveWithItsTestsShown()
    {
        var r = new ResultsBuilder { TrainingAccuracy = (k, e, rep) => rep == 3 && k == ScheduleKind.Benign ? 0.5 : 1.0 }.Build();
        var c8 = Verdict(r, "C8");
        Assert.Equal(V.Inconclusive, c8.Verdict);
        Assert.StartsWith("premise 'stage-1 fit' undecided", c8.Measured);
        Assert.Contains("benign − AT specialization", c8.Measured);
        Assert.Single(c8.Tests);
        Assert.Contains(c8.Premises, p => p.Premise == "stage-1 fit" && p.Verdict == PremiseVerdict.Undecided);
    }

    [Fact]
    public void ASwitchRunThatHasNotFitBeforeItsSwitchMakesC6AndC7NotTestable()
    {
        var r = new ResultsBuilder { TrainingAccuracy = (k, e, rep) => k == ScheduleKind.Switch ? 0.6 : 1.0 }.Build();
        foreach (var id in new[] { "C6", "C7" })
            Assert.Contains("premise 'settled before the switch' unmet: switch runs reach 99.0% (deadline: 5 epochs)", Verdict(r, id).Measured);
        var settled = new ResultsBuilder().Build();
        Assert.Equal(PremiseVerdict.Met, Verdict(settled, "C7").Premises.Single(p => p.Premise == "settled before the switch").Verdict);
    }

    [Fact]
    public void ChildrenStillFallingMakeTheirClaimsNotTestableAndNoisyOnesInconclusive()
    {
        // The loss falls by 36% over the last quarter (0.8² per two epochs): not converged.
        var falling = new ResultsBuilder { ChildLoss = (c, e, rep) => 2 * Math.Pow(0.8, e) * (1 + 0.01 * rep) }.Build();
        foreach (var id in new[] { "C3", "C11", "C12", "C13", "C14", "C15" })
        {
            var v = Verdict(falling, id);
            Assert.Equal(V.NotTestable, v.Verdict);
            Assert.Contains("premise 'children converged' unmet", v.Measured);
            Assert.Contains("still moving", v.Measured);
        }
        // Up by 30% in some replicates and down by 30% in others: the interval straddles the band.
        var noisy = new ResultsBuilder { ChildLoss = (c, e, rep) => e == ResultsBuilder.ChildEpochs ? (rep % 2 == 0 ? 1.3 : 0.7) : 1.0 }.Build();
        var c3 = Verdict(noisy, "C3");
        Assert.Equal(V.Inconclusive, c3.Verdict);
        Assert.StartsWith("premise 'children converged' undecided", c3.Measured);
        Assert.Equal(V.Reproduced, Verdict(new ResultsBuilder().Build(), "C3").Verdict);
    }

    [Fact]
    public void ModelQualityDecidesWhetherC1AndC10AreTestable()
    {
        var weak = new ResultsBuilder().Build(); // benign parent clean 60%
        Assert.Contains("premise 'model quality' unmet: benign final clean accuracy 60", Verdict(weak, "C1").Measured);
        Assert.Equal(V.NotTestable, Verdict(weak, "C10").Verdict);
        var accurate = new ResultsBuilder { Parent = (p, t) => p == ScheduleKind.Adversarial ? (0.8, 0.5) : (0.92, 0.02) }.Build();
        Assert.Equal(V.Reproduced, Verdict(accurate, "C10").Verdict);
        Assert.Equal(V.Contradicted, Verdict(accurate, "C1").Verdict); // its section-7 run reaches 33%, far from 76.1%
    }

    private static Claim Fixed(params (double Support, double Against)[] tests) => new("CX", "", "", "", "", "", new Dictionary<Scale, string>(),
        _ => tests.Select((t, i) => new TestResult($"t{i}", Estimate.FromReplicates([1, 2, 3]), "", "", Decision.Undecided, "") { SupportP = t.Support, AgainstP = t.Against }).ToList());

    [Fact]
    public void AContradictionNeedsItsTestSignificantAtFivePercentOverTheClaimsTests()
    {
        var results = new ResultsBuilder().Build();
        ClaimVerdict Of(Claim c) => c.Evaluate(results, results.Variants[0]);
        Assert.Equal(V.Contradicted, Of(Fixed((0.9, 0.03))).Verdict);                                         // one test: 0.03 ≤ 0.05
        Assert.Equal(V.Inconclusive, Of(Fixed((0.9, 0.03), (0.01, 0.99), (0.01, 0.99), (0.01, 0.99))).Verdict); // four: 0.03 > 0.0125
        Assert.Equal(V.Contradicted, Of(Fixed((0.9, 0.01), (0.01, 0.99), (0.01, 0.99), (0.01, 0.99))).Verdict);
        Assert.Equal(V.Reproduced, Of(Fixed((0.04, 0.96), (0.01, 0.99))).Verdict);                             // support needs no correction: all must hold
    }

    [Fact]
    public void HolmAcrossClaimsRejectsStepDown()
    {
        Assert.Equal([true, true, false, false], OneSided.Holm([0.001, 0.01, 0.04, 0.5]));  // 0.001 ≤ .0125, 0.01 ≤ .0167, 0.04 > .025: stop
        Assert.Equal([false, false], OneSided.Holm([0.03, 0.04]));
        Assert.Equal([true, true], OneSided.Holm([0.04, 0.02]));                          // 0.02 ≤ 0.025, then 0.04 ≤ 0.05
    }

    [Fact]
    public void TheFamilyWiseColumnTakesTheDecidedClaimsOfAVariantTogether()
    {
        var verdicts = ClaimRegistry.Evaluate(new ResultsBuilder().Build());
        var family = ClaimRegistry.FamilyWise(verdicts);
        Assert.Equal(verdicts.Where(v => v.Verdict is V.Reproduced or V.Contradicted && v.Id != "C17").Select(v => v.Id).Order(), family.Keys.Select(k => k.Id).Order());
        Assert.All(family, f => Assert.True(f.Value, f.Key.Id)); // every effect of the constructed results is clear
        var weak = verdicts.Select(v => v.Id == "C8" ? v with { Tests = v.Tests.Select(t => t with { SupportP = 0.049 }).ToList() } : v).ToList();
        Assert.False(ClaimRegistry.FamilyWise(weak)[("C8", "cifar10-eps4")]);
    }

    /// <summary>Unit-norm kernels (as vectors) around a mean direction with a schedule's spread; S = 1 − cos.</summary>
    private static double[] Draw(Random rng, double[] mean, double spread)
    {
        var v = mean.Select(m => m + spread * Normal(rng)).ToArray();
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double S(double[] a, double[] b) => 1 - a.Zip(b, (x, y) => x * y).Sum();

    private static readonly Dictionary<int, ReproductionResults> KernelBase = new[] { 3, 4 }.ToDictionary(n => n,
        n => new ResultsBuilder { Replicates = n, DistanceToFinal = (k, e) => k == ScheduleKind.Adversarial && e >= 2 ? 0 : 0.5 / (1 + e * e) }.Build());

    /// <summary>
    /// Results whose final kernels of the benign and AT runs, and switch kernels at the switch and at the end, are drawn
    /// with unequal spreads (AT's half the benign one), and whose AT kernel has reached its final one by 20%. With no
    /// shift all are drawn around ONE mean: nothing distinguishes the schedules but their spread. A shift gives the AT
    /// runs their own mean, displaced from the benign one by shift × a standard normal per coordinate, and draws the
    /// switch kernels at the switch around the benign mean and at the end around the AT one.
    /// </summary>
    private static ReproductionResults Kernels(int seed, double shift = 0, int replicates = 4, bool equalSpreads = false)
    {
        var rng = new Random(seed);
        var mean = Enumerable.Range(0, 40).Select(_ => Normal(rng)).ToArray();
        var atMean = shift == 0 ? mean : mean.Select(m => m + shift * Normal(rng)).ToArray();
        var kernels = new Dictionary<KernelRef, double[]>();
        foreach (var (kind, spread) in new[] { (ScheduleKind.Benign, equalSpreads ? 0.3 : 0.4), (ScheduleKind.Adversarial, equalSpreads ? 0.3 : 0.2), (ScheduleKind.Switch, 0.3) })
            for (int r = 0; r < replicates; r++)
            {
                kernels[new KernelRef(kind, r, ResultsBuilder.T)] = Draw(rng, kind == ScheduleKind.Benign ? mean : atMean, spread);
                if (kind == ScheduleKind.Switch) kernels[new KernelRef(kind, r, ResultsBuilder.K)] = Draw(rng, mean, spread);
            }
        var refs = kernels.Keys.ToList();
        var distances = refs.SelectMany((a, i) => refs.Skip(i + 1).Select(b => new KernelDistance(a, b, S(kernels[a], kernels[b])))).ToList();
        var b = KernelBase[replicates];
        return b with { Variants = [b.Variants[0] with { KernelDistances = distances }] };
    }

    private static readonly Claim C7 = ClaimRegistry.All.Single(c => c.Id == "C7"), C18 = ClaimRegistry.All.Single(c => c.Id == "C18");

    /// <summary>The three spread-corrected tests of C7 (at the switch, at the end) and C18 on one draw.</summary>
    private static IReadOnlyList<TestResult> KernelTests(ReproductionResults r) =>
        [.. C7.Evaluate(r, r.Variants[0]).Tests, .. C18.Evaluate(r, r.Variants[0]).Tests];

    private static readonly string[] KernelTestNames = ["C7 at the switch", "C7 at the end", "C18"];
    private const int NullDraws = 2000;
    private static readonly Dictionary<int, Lazy<IReadOnlyList<IReadOnlyList<TestResult>>>> NullDrawTests = new[] { 3, 4 }.ToDictionary(n => n,
        n => new Lazy<IReadOnlyList<IReadOnlyList<TestResult>>>(() => Enumerable.Range(0, NullDraws).Select(i => KernelTests(Kernels(i, replicates: n))).ToList()));

    /// <summary>
    /// Under these null draws C7's labels are not quite exchangeable (the benign final kernels spread twice as far as the
    /// AT ones, and a relabelling mixes them), so its permutation tests studentize the statistic; measured false support
    /// over 2,000 draws (the exact tests' nominal level is 3/70 = 4.3% with 4 + 4 runs, 1/20 = 5% with 3 + 3): 6.1% at the
    /// switch and 5.2% at the end with 4 runs, 6.3% and 6.9% with 3 (the first 500 of these draws gave 7.4% at the switch
    /// with 3: that excess over 7% was the draws' noise, about 1.1 points at 500). C18, whose statistic the unequal
    /// spreads give a small true difference (the test below has its null), 5.9% with 4 runs and 3.2% with 3.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void WithKernelsFromOneDistributionTheSpreadCorrectedC7AndC18FindNoDifference(int replicates)
    {
        var draws = NullDrawTests[replicates].Value;
        for (int t = 0; t < 3; t++)
        {
            int supported = draws.Count(d => d[t].Decision == Decision.Supported);
            output.WriteLine($"{KernelTestNames[t]}: false support in {supported} of {NullDraws} null draws ({supported / (double)NullDraws:P1}), {replicates} runs per schedule");
            Assert.True(supported <= 0.07 * NullDraws, $"{KernelTestNames[t]} supported in {supported} of {NullDraws} null draws (nominal 5%)");
        }
        Assert.All(draws, d => Assert.Equal(replicates, d[0].Estimate.Replicates));
        if (replicates != 4) return;
        int uncorrected = 0;
        for (int i = 0; i < 200; i++)
        {
            // The uncorrected end test: mean S to benign − mean S to AT, by replicate.
            var d = Kernels(i).Variants[0];
            var raw = Enumerable.Range(0, 4).Select(s =>
                    Enumerable.Range(0, 4).Average(b => d.Distance(new(ScheduleKind.Switch, s, ResultsBuilder.T), new(ScheduleKind.Benign, b, ResultsBuilder.T))!.Value)
                    - Enumerable.Range(0, 4).Average(a => d.Distance(new(ScheduleKind.Switch, s, ResultsBuilder.T), new(ScheduleKind.Adversarial, a, ResultsBuilder.T))!.Value))
                .ToList();
            uncorrected += OneSided.Above(Estimate.FromReplicates(raw), 0) == Decision.Supported ? 1 : 0;
        }
        Assert.True(uncorrected > 100, $"the uncorrected statistic is biased by the unequal spreads: supported in only {uncorrected} of 200");
    }

    /// <summary>
    /// The unit-normalized kernels of the draws above have slightly different means when their spreads differ (the
    /// wider spread's mean is shorter), so for C18 those draws are a small true difference. With equal spreads the
    /// benign and AT final kernels come from one distribution: C18's own null at its corner, where the statistic is
    /// all second order and its corrected standard error is the least conservative.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void WithBenignAndAtKernelsFromOneDistributionC18IsSupportedAtMostAtItsLevel(int replicates)
    {
        int supported = Enumerable.Range(0, NullDraws)
            .Select(i => Kernels(2_000_000 + i, replicates: replicates, equalSpreads: true))
            .Count(r => C18.Evaluate(r, r.Variants[0]).Tests[0].Decision == Decision.Supported);
        output.WriteLine($"C18: false support in {supported} of {NullDraws} draws of one distribution ({supported / (double)NullDraws:P1}), {replicates} runs per schedule");
        Assert.True(supported <= 0.07 * NullDraws, $"C18 supported in {supported} of {NullDraws} null draws (nominal 5%)");
        // Measured: 3.6% with 4 runs, 2.1% with 3.
    }

    /// <summary>
    /// A planted shift (AT mean displaced by 0.25 per coordinate, the switch kernels moving from the benign mean to the AT
    /// one) is found by each rule nearly as often as by a calibrated test: the same estimate, mean / SE, against the 95%
    /// quantile of that ratio over the null draws instead of the rule's own reference (at most 5 points fewer). Measured:
    /// C7 77% vs 80% at the switch and 85% vs 81% at the end with 4 runs, 65% vs 66% and 70% vs 55% with 3; C18 78% vs
    /// 73% with 4 runs. With 3 runs C18 keeps the jackknife's excess on each group's own pairs (no unbiased estimate of
    /// it from three kernels), so it is conservative there: 35% vs 56%, held to half. C18's uncorrected jackknife found
    /// it in 64% vs 88% with 4 runs and 31% vs 69% with 3 (SpreadCorrectedDistance says why).
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void C7AndC18FindAPlantedShiftNearlyAsOftenAsACalibratedTest(int replicates)
    {
        const int draws = 300;
        var nulls = NullDrawTests[replicates].Value;
        var shifted = Enumerable.Range(0, draws).Select(i => KernelTests(Kernels(1_000_000 + i, shift: 0.25, replicates))).ToList();
        for (int t = 0; t < 3; t++)
        {
            var ratios = nulls.Select(d => d[t].Estimate.Mean / d[t].Estimate.StandardError).Order().ToList();
            double critical = ratios[(int)Math.Ceiling(0.95 * ratios.Count) - 1];
            double calibrated = shifted.Count(d => d[t].Estimate.Mean / d[t].Estimate.StandardError > critical) / (double)draws;
            double rule = shifted.Count(d => d[t].Decision == Decision.Supported) / (double)draws;
            output.WriteLine($"{KernelTestNames[t]}, {replicates} runs: rule finds the shift in {rule:P0} of {draws} draws, " +
                $"the calibrated test in {calibrated:P0} (critical ratio {critical:F2}); " +
                $"false support {nulls.Count(d => d[t].Decision == Decision.Supported) / (double)NullDraws:P1}");
            bool conservative = t == 2 && replicates < SpreadCorrectedDistance.SmallestGroupForOwnPairs;
            Assert.True(rule >= (conservative ? calibrated / 2 : calibrated - 0.05), $"{KernelTestNames[t]}: the rule finds the shift in {rule:P0}, the calibrated test in {calibrated:P0}");
        }
    }

    [Fact]
    public void TheJackknifeOfSeveralGroupsOfRunsAddsEachGroupsOwnSpread()
    {
        // A statistic linear in each group (per switch run: its value + the benign mean − the AT mean), where the
        // jackknife is exact: SE² = Σ_g s_g² / n_g, with Welch–Satterthwaite degrees of freedom.
        double[] x = [0.3, 1.1, -0.4, 0.9], y = [2.0, 2.5, 1.2], z = [0.1, 0.4, -0.2, 0.3, 0.0, 0.6];
        var groups = new Dictionary<ScheduleKind, IReadOnlyList<int>>
        {
            [ScheduleKind.Switch] = [0, 1, 2, 3], [ScheduleKind.Benign] = [0, 1, 2], [ScheduleKind.Adversarial] = [0, 1, 2, 3, 4, 5],
        };
        var e = ClaimData.Jackknife(groups, ScheduleKind.Switch, g =>
            g[ScheduleKind.Switch].Select(s => x[s] + g[ScheduleKind.Benign].Average(b => y[b]) - g[ScheduleKind.Adversarial].Average(a => z[a])).ToList());
        var v = new[] { x, y, z }.Select(w => Math.Pow(Estimate.FromReplicates(w).StandardError, 2)).ToList();
        Assert.Equal(x.Average() + y.Average() - z.Average(), e.Mean, 12);
        Assert.Equal(Math.Sqrt(v.Sum()), e.StandardError, 12);
        Assert.Equal(v.Sum() * v.Sum() / (v[0] * v[0] / 3 + v[1] * v[1] / 2 + v[2] * v[2] / 5), e.DegreesOfFreedom, 9);
        Assert.Equal(x.Select(w => w + y.Average() - z.Average()), e.PerReplicate);
    }

    [Fact]
    public void C7AndC18FindAKernelThatReallyMoves()
    {
        // The default results: the switch kernel near the benign ones at the switch and the AT ones at the end.
        var r = new ResultsBuilder().Build();
        Assert.Equal(V.Reproduced, Verdict(r, "C7").Verdict);
        Assert.Equal(V.Reproduced, Verdict(r, "C18").Verdict);
        Assert.True(Verdict(r, "C7").Tests[0].Estimate.HasUncertainty);
    }

    [Fact]
    public void C6IsDecidedOnThePapersPerEpochVelocityWithThePerStepFigureShownBesideIt()
    {
        // The per-epoch velocity doubles at the switch (the paper's Fig. 1a quantity): a spike. Per SGD step nothing changes
        // (a mixture AT epoch takes twice the steps): shown as the explanation, not deciding. The old rule decided per step: contradicted.
        var doubling = new ResultsBuilder { Velocity = (k, to) => to <= 1 ? 1.0 : k == ScheduleKind.Switch && to > ResultsBuilder.K ? 0.02 : 0.01 }.Build();
        var c6 = Verdict(doubling, "C6");
        Assert.Equal(V.Reproduced, c6.Verdict);
        Assert.Equal(Math.Log(2), c6.Tests[0].Estimate.Mean, 6);
        var perStep = c6.Tests.Single(t => t.Name.StartsWith("after / largest before, per SGD step"));
        Assert.False(perStep.Deciding);
        Assert.Equal(0, perStep.Estimate.Mean, 6);
        // A real spike, and small against the initial velocity (0.05 of it, per step).
        Assert.Equal(V.Reproduced, Verdict(new ResultsBuilder().Build(), "C6").Verdict);
        // Large against the initial velocity: 0.5 of it.
        var large = new ResultsBuilder { Velocity = (k, to) => to <= 1 ? 1.0 : k == ScheduleKind.Switch && to == ResultsBuilder.K + 1 ? 1.0 : 0.01 / to }.Build();
        Assert.Equal(Decision.ShortOfMargin, Verdict(large, "C6").Tests[1].Decision); // 1.0 of the initial: not below 0.25, not above 1
        var larger = new ResultsBuilder { Velocity = (k, to) => to <= 1 ? 1.0 : k == ScheduleKind.Switch && to == ResultsBuilder.K + 1 ? 3.0 : 0.01 / to }.Build();
        Assert.Equal(Decision.Contradicted, Verdict(larger, "C6").Tests[1].Decision);  // three times the initial velocity: the opposite of small
    }

    [Fact]
    public void C11ReadsATrendOverEverySpawnEpoch()
    {
        double[] spawns = [1, 3, 6, ResultsBuilder.T];
        ResultsBuilder With(Func<double, double> centeredRobust) => new()
        {
            SpawnEpochs = spawns,
            Child = (p, t, d) => (0.5, d == Dynamics.Centered && p == ScheduleKind.Benign ? centeredRobust(t) : 0.05),
        };
        var rising = Verdict(With(t => 0.1 + 0.02 * t).Build(), "C11");
        Assert.Equal(V.Reproduced, rising.Verdict);
        Assert.Contains("4 spawn epochs", rising.Tests[0].Name);
        Assert.Equal(V.Contradicted, Verdict(With(t => 0.3 - 0.02 * t).Build(), "C11").Verdict);
        // The mini's old shape, up then down: the ends decide nothing by themselves.
        var peak = Verdict(With(t => t is 3 or 6 ? 0.3 : 0.12).Build(), "C11");
        Assert.NotEqual(V.Reproduced, peak.Verdict);
    }

    [Fact]
    public void C16IsDecidedByAtAgainstBenignAloneAndShowsAtAgainstInitial()
    {
        var r = new ResultsBuilder().Build();
        var runs = ClaimRegistryTests.EigenRuns((rep, c) => (0.6 + 0.01 * rep, 0.3 + 0.01 * c, 0.5 - 0.01 * rep));
        var v = Verdict(r with { Variants = [r.Variants[0] with { EigenImages = runs }] }, "C16");
        Assert.Equal(V.Reproduced, v.Verdict);
        Assert.False(v.Tests[1].Deciding);
        Assert.Equal(Decision.Contradicted, v.Tests[1].Decision);
        Assert.Contains("(shown, not deciding)", v.Measured);
    }

    [Fact]
    public void ADifferenceOnTheRightSideButBelowTheMarginIsItsOwnVerdictNeverContradicted()
    {
        // Centered children 2 points more robust than the others: the direction holds, the 5-point size does not. The old rule called it contradicted.
        var r = new ResultsBuilder { SameImagesForChildren = true, Child = (p, t, d) => (0.5, d == Dynamics.Centered ? 0.32 : 0.30) }.Build();
        var c13 = Verdict(r, "C13");
        Assert.Equal(V.BelowMargin, c13.Verdict);
        Assert.All(c13.Tests, t => Assert.Equal(Decision.ShortOfMargin, t.Decision));
        Assert.All(c13.Tests, t => Assert.True(t.Estimate.Lower(0.95) > 0, t.Name));
        // 2 points LESS robust: the opposite side of the paper's direction, contradicted.
        var reversed = new ResultsBuilder { SameImagesForChildren = true, Child = (p, t, d) => (0.5, d == Dynamics.Centered ? 0.28 : 0.30) }.Build();
        Assert.Equal(V.Contradicted, Verdict(reversed, "C13").Verdict);
    }

    [Fact]
    public void AClaimsRobustFigureIsTheEvaluationAttackOnEveryImageWithTheSuiteAsACheck()
    {
        List<ReplicateEval> With(Func<EvalResult, string> worst) => Enumerable.Range(0, 4).Select(rep =>
        {
            var eval = ResultsBuilder.Eval(0.6, 0.3, rep, 0);
            return new ReplicateEval(rep, eval with { Masking = ResultsBuilder.Masking(worst(eval), 4 / 255.0) });
        }).ToList();
        // The suite finds nothing PGD missed: the claim reads PGD's figure on all 400 images (the old rule read the 50 the suite attacked).
        var agreeing = With(e => e.RobustCorrect!.Value.First(50).ToString());
        var figure = ClaimData.Accuracy(agreeing, robust: true, requireMaskingChecks: true).Value;
        Assert.Equal(ClaimData.Accuracy(agreeing, robust: true).Value.Mean, figure.Mean);
        Assert.Equal(0.3, figure.Mean, 2);
        // The suite breaks every one of its 50 images, far beyond the figure's noise: suspected, the claim inconclusive.
        var broken = With(_ => new string('0', 50));
        var gap = ClaimData.Accuracy(broken, robust: true, requireMaskingChecks: true).Gap;
        Assert.Equal(GapKind.MaskingSuspected, gap?.Kind);
        Assert.Contains("per-image worst case lies", gap!.Reason);
        Assert.True(ClaimData.Accuracy(broken, robust: true).Value.Mean > 0.2); // the figure shown keeps PGD's reading
        // One image more broken by the suite in each replicate: within the figure's noise, no suspicion.
        var slight = With(x => { var b = x.RobustCorrect!.Value.First(50).ToString().ToCharArray(); int i = Array.IndexOf(b, '1'); if (i >= 0) b[i] = '0'; return new string(b); });
        Assert.Equal(figure.Mean, ClaimData.Accuracy(slight, robust: true, requireMaskingChecks: true).Value.Mean);
    }
}

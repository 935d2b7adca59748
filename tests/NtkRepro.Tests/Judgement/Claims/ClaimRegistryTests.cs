using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Judgement.Reporting;
using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>The claim tests on hand-built results whose verdicts are known.</summary>
[Tier(TestTier.Fast)]
public class ClaimRegistryTests
{
    private static ClaimVerdict Verdict(ReproductionResults r, string id) => ClaimRegistry.Evaluate(r).Single(v => v.Id == id);

    [Fact]
    public void WhereEveryEffectIsClearEveryTestableClaimIsReproduced()
    {
        var verdicts = ClaimRegistry.Evaluate(new ResultsBuilder().Build());
        Assert.Equal(["C1", "C10"], verdicts.Where(v => v.Verdict == NtkRepro.Judgement.Claims.Verdict.NotTestable).Select(v => v.Id));
        Assert.Equal(["C16", "C17"], verdicts.Where(v => v.Verdict == NtkRepro.Judgement.Claims.Verdict.NotRun).Select(v => v.Id));
        Assert.All(verdicts.Where(v => v.Verdict is not (NtkRepro.Judgement.Claims.Verdict.NotTestable or NtkRepro.Judgement.Claims.Verdict.NotRun)),
            v => Assert.True(v.Verdict == NtkRepro.Judgement.Claims.Verdict.Reproduced, $"{v.Id}: {v.Verdict}: {v.Measured}"));
    }

    [Fact]
    public void C17HoldsWhenEveryClaimReproducedAt4IsReproducedAt8AndNamesTheOnesThatAreNot()
    {
        var twoRadii = ResultsBuilder.TwoRadii(new ResultsBuilder(), new ResultsBuilder());
        var same = ClaimRegistry.Evaluate(twoRadii);
        var c17 = same.Single(v => v.Id == "C17" && v.Variant == "cifar10-eps4");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Reproduced, c17.Verdict);
        Assert.Contains(c17.Tests, t => t.Name.StartsWith("C3 at 8/255: "));
        var at8 = same.Single(v => v.Id == "C17" && v.Variant == "cifar10-eps8");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.NotRun, at8.Verdict);
        Assert.Contains("judged on the ε = 4/255 variant", at8.Measured);
        Assert.DoesNotContain("not run at 8/255", c17.Measured);
        // C14's figures do not depend on the radius (benign children, no attack): named, not judged.
        Assert.Contains(c17.Tests, t => t.Name == "C14: left out" && t.Interval == "independent of the radius" && !t.Deciding);
        Assert.DoesNotContain(c17.Tests, t => t.Name.StartsWith("C14 at 8/255"));

        // C16 reproduced at 4/255 and out of the 8/255 variant's scope (no eigen-images planned there): left out of the verdict, and named.
        var eigenAt4Only = twoRadii with { Variants = [twoRadii.Variants[0] with { EigenImages = EigenRuns((rep, c) => (0.08, 0.3, 0.6)) },
            twoRadii.Variants[1] with { Scope = new VariantScope([ScheduleKind.Benign, ScheduleKind.Adversarial, ScheduleKind.Switch], true, false, "a reduced scope") }] };
        var withC16 = ClaimRegistry.Evaluate(eigenAt4Only).Single(v => v.Id == "C17" && v.Variant == "cifar10-eps4");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Reproduced, withC16.Verdict);
        Assert.Contains(withC16.Tests, t => t.Name == "C16: left out" && t.Interval.Contains("out of scope") && !t.Deciding);
        // Without a stated scope the missing eigen-images are a missing step: named, and C17 cannot read 'reproduced'.
        var c16Missing = ClaimRegistry.Evaluate(twoRadii with { Variants = [eigenAt4Only.Variants[0], twoRadii.Variants[1]] }).Single(v => v.Id == "C17" && v.Variant == "cifar10-eps4");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Inconclusive, c16Missing.Verdict);
        Assert.Contains(c16Missing.Tests, t => t.Name == "C16: not compared" && t.Interval.StartsWith("not run at 8/255"));

        // At 8/255 the AT parent's children are less robust than the benign parent's: C3 is contradicted there.
        var reversed = new ResultsBuilder
        {
            Child = (p, t, d) => (d == Dynamics.Centered ? 0.3 : 0.6, (p == ScheduleKind.Benign ? 0.15 : 0) + (d == Dynamics.Centered ? (t == 1 ? 0.10 : 0.25) : 0.03))
        };
        var broken = ClaimRegistry.Evaluate(ResultsBuilder.TwoRadii(new ResultsBuilder(), reversed)).Single(v => v.Id == "C17" && v.Variant == "cifar10-eps4");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Contradicted, broken.Verdict);
        Assert.Contains("C3 contradicted at 8/255", broken.Measured);

        // Within noise at 8/255: inconclusive, not contradicted.
        var noisy = ClaimRegistry.Evaluate(ResultsBuilder.TwoRadii(new ResultsBuilder(), new ResultsBuilder { Replicates = 3, Specialization = k => k == ScheduleKind.Benign ? 2.0 : 2.0 }))
            .Single(v => v.Id == "C17" && v.Variant == "cifar10-eps4");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Inconclusive, noisy.Verdict);
        Assert.Contains("C8 inconclusive at 8/255", noisy.Measured);
    }

    [Fact]
    public void C17RecordsNoFiguresOfItsOwnSoABorderlineVerdictElsewhereCannotChangeTheFigureSet()
    {
        var twoRadii = ResultsBuilder.TwoRadii(new ResultsBuilder(), new ResultsBuilder());
        var set = FigureSet.From(twoRadii, ClaimRegistry.Evaluate(twoRadii));
        Assert.DoesNotContain(set.Figures, f => f.Name.Contains(".claim.C17."));
        // It reads every other claim's figures, at both radii.
        var c17 = set.Verdicts.Single(v => v.Id == "C17" && v.Variant == "cifar10-eps4");
        Assert.Equal(set.Figures.Where(f => f.Name.Contains(".claim.")).Select(f => f.Name), c17.Figures);
        Assert.Contains(c17.Figures, n => n.StartsWith("cifar10-eps8.claim.C3."));
        // C16 reproduced at 4/255 adds a claim to C17's verdict but no figure to the set beyond C16's own.
        var eigenAt4Only = twoRadii with { Variants = [twoRadii.Variants[0] with { EigenImages = EigenRuns((rep, c) => (0.08, 0.3, 0.6)) }, twoRadii.Variants[1]] };
        var withC16 = FigureSet.From(eigenAt4Only, ClaimRegistry.Evaluate(eigenAt4Only));
        Assert.Equal(set.Figures.Select(f => f.Name).Order(), withC16.Figures.Select(f => f.Name).Where(n => !n.Contains(".claim.C16.")).Order());
        // A C17 flip that no change of the claims it reads explains fails, in either mode.
        var flipped = set with { Verdicts = set.Verdicts.Select(v => v == c17 ? v with { Verdict = NtkRepro.Judgement.Claims.Verdict.Inconclusive } : v).ToList() };
        Assert.True(Assert.Single(SnapshotComparison.Compare(set, flipped).Rows).Fails);
        Assert.True(Assert.Single(SnapshotComparison.Compare(set with { Fingerprint = null }, flipped).Rows).Fails);
    }

    [Fact]
    public void ARobustFigureWhoseMaskingChecksFailedMakesItsClaimsInconclusiveButStaysAFigure()
    {
        var r = new ResultsBuilder().Build();
        var v = r.Variants[0];
        var suspect = v.Children.Select(c => c.Parent == ScheduleKind.Adversarial && c.SpawnEpoch == ResultsBuilder.T && c.Dynamics == Dynamics.Centered && c.Replicate == 1
            ? c with { Eval = c.Eval with { Masking = ResultsBuilder.Masking(c.Eval.UncheckedRobustCorrect.Bits()[..50], 4 / 255.0, blindSweep: true) } } : c).ToList();
        var masked = r with { Variants = [v with { Children = suspect }] };
        var verdicts = ClaimRegistry.Evaluate(masked);
        foreach (var id in new[] { "C3", "C12", "C13" })
        {
            var c = verdicts.Single(x => x.Id == id);
            Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Inconclusive, c.Verdict);
            Assert.Contains("may be masked: replicate 1: masking checks failed on the first images: accuracy 100.0% at the largest sweep radius ε=32/255 is above 5.0%", c.Measured);
        }
        // What the tests would read with the suspicion set aside is shown, not decided on: C3's figures are those of the clean run.
        var c3 = verdicts.Single(x => x.Id == "C3");
        var unmasked = ClaimRegistry.Evaluate(r).Single(x => x.Id == "C3");
        Assert.Contains($"Set aside, the worst-case figures would make it reproduced: {unmasked.Measured}", c3.Measured);
        Assert.Empty(c3.Tests);
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Reproduced, verdicts.Single(x => x.Id == "C11").Verdict); // the benign parent's children are not suspect
        Assert.Contains(FigureSet.From(masked, verdicts).Figures, f => f.Name == "cifar10-eps4.child.adversarial@10.centered.robust");
    }

    /// <summary>The results with the masking suite on every replicate of the AT parent's centered child at T:
    /// <paramref name="transfer"/> per replicate makes its transfer bits from the suite's.</summary>
    private static ReproductionResults WithTransfer(ReproductionResults r, Func<string, string> transfer)
    {
        var v = r.Variants[0];
        var children = v.Children.Select(c => c.Parent == ScheduleKind.Adversarial && c.SpawnEpoch == ResultsBuilder.T && c.Dynamics == Dynamics.Centered
            ? c with { Eval = c.Eval with { Masking = ResultsBuilder.Masking(c.Eval.UncheckedRobustCorrect.Bits()[..50], 4 / 255.0,
                transfer(c.Eval.UncheckedRobustCorrect.Bits()[..50])) } }
            : c).ToList();
        return r with { Variants = [v with { Children = children }] };
    }

    /// <summary>The bits with the first <paramref name="count"/> robust images broken.</summary>
    private static string Break(string bits, int count, int skip = 0)
    {
        var chars = bits.ToCharArray();
        foreach (var i in Enumerable.Range(0, bits.Length).Where(i => bits[i] == '1').Skip(skip).Take(count)) chars[i] = '0';
        return new string(chars);
    }

    /// <summary>The bits with the first <paramref name="count"/> broken images robust again (the white-box attack alone broke them).</summary>
    private static string Mend(string bits, int count)
    {
        var chars = bits.ToCharArray();
        foreach (var i in Enumerable.Range(0, bits.Length).Where(i => bits[i] == '0').Take(count)) chars[i] = '1';
        return new string(chars);
    }

    [Fact]
    public void TheTransferCheckIsPooledOverAFiguresReplicates()
    {
        var r = new ResultsBuilder().Build();
        // Two images per replicate that only the transfer attack breaks: 8 : 0 pooled over 4 replicates, p = 2⁻⁸.
        var blind = ClaimRegistry.Evaluate(WithTransfer(r, bits => Break(bits, 2)));
        var c3 = blind.Single(x => x.Id == "C3");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Inconclusive, c3.Verdict);
        Assert.True(c3.MaskingSuspected);
        Assert.Contains("replicates 0, 1, 2, 3: transfer attack alone broke 8 image(s), the strongest white-box attack alone 0, over 4 replicate(s) (sign test p = 0.004 < 0.01", c3.Measured);
        // The set-aside tests are recorded as figures under the claim's names, the verdict not decided by them.
        Assert.NotEmpty(c3.SetAsideTests);
        Assert.Empty(c3.Tests);
        var figures = FigureSet.From(WithTransfer(r, bits => Break(bits, 2)), blind);
        Assert.Equal(c3.SetAsideTests.Count, figures.Verdicts.Single(v => v.Id == "C3").Figures.Count);
        Assert.True(figures.Verdicts.Single(v => v.Id == "C3").MaskingSuspected);
        // As many images broken by the white-box attack alone: attack diversity, not masking.
        var diverse = ClaimRegistry.Evaluate(WithTransfer(r, bits => Mend(Break(bits, 2), 2)));
        Assert.False(diverse.Single(x => x.Id == "C3").MaskingSuspected);
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Reproduced, diverse.Single(x => x.Id == "C3").Verdict);
    }

    [Fact]
    public void AClaimMaskedOnOneSideOnlyIsABorderlineVerdictWhenItsSetAsideTestsDecideAlike()
    {
        var r = new ResultsBuilder().Build();
        var masked = WithTransfer(r, bits => Break(bits, 2));
        var clean = WithTransfer(r, bits => bits);
        var a = FigureSet.From(clean, ClaimRegistry.Evaluate(clean)) with { Fingerprint = null };
        var b = FigureSet.From(masked, ClaimRegistry.Evaluate(masked)) with { Fingerprint = null };
        Assert.Equal(a.Figures.Select(f => f.Name), b.Figures.Select(f => f.Name));
        foreach (var (received, baseline) in new[] { (b, a), (a, b) })
        {
            // The broken images move the set-aside figures (these constructed replicates have no spread); the verdicts are borderline.
            var report = SnapshotComparison.Compare(baseline, received);
            Assert.DoesNotContain(report.Failures, r => r.FlaggedBy == Check.Verdict);
            var c3 = Assert.Single(report.Rows, d => d.Name.StartsWith("verdict C3 "));
            Assert.Contains("only the masking suspicion differs", c3.Tolerance);
        }
    }

    [Fact]
    public void TheClaimsRobustFigureIsThePerImageWorstCaseOverTheEvaluationAndTheSuite()
    {
        var eval = ResultsBuilder.Eval(0.6, 0.5, 0, 0);
        string pgd = eval.UncheckedRobustCorrect.Bits();
        var firstOnes = Enumerable.Range(0, pgd.Length).Where(i => pgd[i] == '1').Take(6).ToList();
        var suite = pgd[..100].ToCharArray();
        suite[firstOnes[0]] = '0';                                           // the white-box suite breaks one more image
        var transfer = pgd[..100].ToCharArray();
        transfer[firstOnes[1]] = '0';                                        // the transfer attack another
        var withSuite = eval with { Masking = ResultsBuilder.Masking(new string(suite), 4 / 255.0, new string(transfer)) };
        var worst = withSuite.WorstCaseRobustCorrect.Bits();
        Assert.Equal(pgd.Length, worst.Length);
        Assert.Equal(pgd.Count(c => c == '1') - 2, worst.Count(c => c == '1'));
        Assert.Equal('0', worst[firstOnes[0]]);
        Assert.Equal('0', worst[firstOnes[1]]);
        Assert.Equal(pgd[100..], worst[100..]);                               // beyond the suite's images, the evaluation's own attack
        Assert.Equal(pgd, eval.WorstCaseRobustCorrect.Bits());
    }

    /// <summary>Eigen-image runs of 4 replicates x classes 0 and 1 with the given low-frequency energies (initial, benign, AT) per replicate and class.</summary>
    internal static List<EigenImageRun> EigenRuns(Func<int, int, (double, double, double)> lfe)
    {
        EigenImageRun Run(int r, int c, double initial, double benign, double adversarial)
        {
            EigenImageResult Row(string label, double lfe) => new($"{label} (epoch 10)", null, c, 50, [1, 0.5, 0.2], [0.5, 0.25, 0.1], null, 600, 0.001, true,
                Enumerable.Range(1, 3).Select(i => new EigenImage($"u{i}", "eigenvector", i, 1.0 / i, 1, 0.1, 0.9, lfe + 0.01 * i + 0.003 * r, 1, 0.1, []))
                    .Append(new EigenImage("-u1", "negative", 1, 1, -1, 0.1, 0.9, 0.99, 1, 0.1, [])).ToList(), 10, 2);
            return new EigenImageRun(r, c, "g.png", new EigenImageReport(c, "proxy", ["u1", "u2", "u3", "-u1"],
                [Row("initial", initial), Row("benign", benign), Row("adversarial", adversarial)], "g.png"));
        }
        return Enumerable.Range(0, 4).SelectMany(rep => new[] { 0, 1 }.Select(c => { var (i, b, a) = lfe(rep, c); return Run(rep, c, i, b, a); })).ToList();
    }

    [Fact]
    public void C16ComparesTheLowFrequencyEnergyOfTheAtKernelsEigenImagesWithTheBenignAndInitialOnes()
    {
        ClaimVerdict C16(Func<int, int, (double, double, double)> lfe)
        {
            var r = new ResultsBuilder().Build();
            return Verdict(r with { Variants = [r.Variants[0] with { EigenImages = EigenRuns(lfe) }] }, "C16");
        }
        var clear = C16((rep, c) => (0.08, 0.3, 0.6 + 0.02 * c));
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Reproduced, clear.Verdict);
        Assert.Contains("AT − benign low-frequency energy: 0.31", clear.Measured);
        // The negative image (0.99) is not an eigenvector image: it must not enter the proxy.
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Contradicted, C16((rep, c) => (0.08, 0.6, 0.3)).Verdict);
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Inconclusive, C16((rep, c) => (0.08, 0.5 + (rep % 2 == 0 ? 0.1 : -0.1), 0.5)).Verdict);
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.NotRun, Verdict(new ResultsBuilder().Build(), "C16").Verdict);
    }

    [Fact]
    public void AnEffectSignificantTheOtherWayIsContradicted()
    {
        // AT more specialized than benign: C8 predicts the opposite.
        var r = new ResultsBuilder { Specialization = k => k == ScheduleKind.Benign ? 2.0 : 3.0 }.Build();
        var c8 = Verdict(r, "C8");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Contradicted, c8.Verdict);
        Assert.Contains("benign − AT specialization: -1", c8.Measured);
    }

    [Fact]
    public void C8IsNotTestableWhereTheSpecializationIsNotMeasured()
    {
        // CIFAR-100: kernels on classes 0–9 of 100 carry no specialization; the paper reports it on CIFAR-10 only.
        var c8 = Verdict(new ResultsBuilder { Specialization = _ => null }.Build(), "C8");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.NotTestable, c8.Verdict);
        Assert.Contains("specialization is not measured", c8.Measured);
    }

    [Fact]
    public void AnEffectWithinNoiseIsInconclusiveAndSaysWhatIsExcluded()
    {
        // The AT parent's children barely more robust than the benign parent's: C3 (margin 5 points) cannot decide.
        var r = new ResultsBuilder { Child = (p, t, d) => (0.5, (p == ScheduleKind.Adversarial ? 0.06 : 0.0) + 0.2) }.Build();
        var c3 = Verdict(r, "C3");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Inconclusive, c3.Verdict);
        Assert.All(c3.Tests, t => Assert.Contains("excluded", t.Excluded));
    }

    [Fact]
    public void KernelDifferencesWithinTheReplicateSpreadDoNotReproduceC2()
    {
        var r = new ResultsBuilder { BetweenDistance = 0.1, WithinDistance = 0.1 }.Build();
        var c2 = Verdict(r, "C2");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Inconclusive, c2.Verdict);
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Reproduced, Verdict(new ResultsBuilder().Build(), "C2").Verdict);
    }

    [Fact]
    public void TooFewReplicatesForThePermutationTestMakeC2NotTestable()
    {
        var c2 = Verdict(new ResultsBuilder { Replicates = 3 }.Build(), "C2");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.NotTestable, c2.Verdict);
        Assert.Contains("premise 'enough replicates' unmet: 3 benign and 3 AT replicates: smallest attainable p 0.1", c2.Measured);
        // Two replicates are too few for any t-based test.
        var c8 = Verdict(new ResultsBuilder { Replicates = 2 }.Build(), "C8");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.NotTestable, c8.Verdict);
        Assert.Contains("2 replicate(s) contribute to 'benign − AT specialization'", c8.Measured);
    }

    [Fact]
    public void AVelocitySpikeIsReadOverOneEpochAgainstTheLargestOfTheEpochsBefore()
    {
        // A spike no larger than an earlier one-epoch velocity is no spike.
        var r = new ResultsBuilder { Velocity = (k, to) => to <= 1 ? 1.0 : to == 2 ? 0.1 : k == ScheduleKind.Switch && to == ResultsBuilder.K + 1 ? 0.1 : 0.01 / to }.Build();
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.Reproduced, Verdict(r, "C6").Verdict);
        var shadowed = new ResultsBuilder { Velocity = (k, to) => to <= 1 ? 1.0 : to == ResultsBuilder.K - 1 ? 0.1 : k == ScheduleKind.Switch && to == ResultsBuilder.K + 1 ? 0.1 : 0.01 / to }.Build();
        // Exactly as fast as the largest epoch before it: significantly short of the 1.5 a spike needs, and not below 1 (no slowdown).
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.BelowMargin, Verdict(shadowed, "C6").Verdict);
    }

    [Fact]
    public void SmokeScaleTestsNothingAndSaysWhy()
    {
        var verdicts = ClaimRegistry.Evaluate(new ResultsBuilder { Scale = Scale.Smoke }.Build());
        Assert.All(verdicts.Where(v => v.Id is not ("C16" or "C17")), v => Assert.Equal(NtkRepro.Judgement.Claims.Verdict.NotTestable, v.Verdict));
        Assert.Contains("synthetic", verdicts.Single(v => v.Id == "C4").Measured);
    }

    [Fact]
    public void ARobustFigureWhoseAttackFailedItsSanityChecksIsNotUsed()
    {
        var r = new ResultsBuilder().Build();
        var v = r.Variants[0];
        var broken = v.FixedKernel.Select((c, i) => i == 0
            ? c with { Eval = c.Eval with { Sanity = c.Eval.Sanity with { InUnitRange = false } } } : c).ToList();
        r = r with { Variants = [v with { FixedKernel = broken }] };

        var c15 = Verdict(r, "C15");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.NotRun, c15.Verdict);
        Assert.Contains("attack sanity failed", c15.Measured);
        var figures = FigureSet.From(r, ClaimRegistry.Evaluate(r));
        Assert.DoesNotContain(figures.Figures, f => f.Name.Contains("fixed_kernel_at.") && f.Name.EndsWith(".robust"));
        Assert.Contains(figures.Figures, f => f.Name.Contains("fixed_kernel_at.") && f.Name.EndsWith(".clean"));
    }

    [Fact]
    public void AMissingStepIsNotRunAndCountsTheWaitingSteps()
    {
        var r = new ResultsBuilder().Build();
        r = r with
        {
            Variants = [r.Variants[0] with { FixedKernel = [] }],
            Progress = new PlanProgress(10, 12, ["a", "b"]),
        };
        var c15 = Verdict(r, "C15");
        Assert.Equal(NtkRepro.Judgement.Claims.Verdict.NotRun, c15.Verdict);
        Assert.Contains("section-7", c15.Measured);
        Assert.Contains("waiting for 2 of 12 steps", c15.Measured);
    }

    [Fact]
    public void ReportShowsEveryClaimWithStatisticsIntervalsRulesPanelsAndPerReplicateValues()
    {
        var r = new ResultsBuilder().Build() with { Deviations = ["fewer epochs"] };
        var dir = TestData.TempDir("report");
        var written = ReproductionReport.Render(r, dir);
        var text = File.ReadAllText(written.ReportPath);
        Assert.All(ClaimRegistry.All, c => Assert.Contains($"| {c.Id} |", text));
        Assert.Contains("- fewer epochs", text);
        Assert.Contains("| final training loss | change, last quarter |", text);
        Assert.Contains("✅ reproduced", text);
        Assert.Contains("lower 95% bound", text);
        Assert.Contains("(n = 4)", text);
        Assert.Contains("What this scale can and cannot test", text);
        Assert.Contains("Appendix: per-replicate values", text);
        foreach (var png in new[] { "fig1a-velocity.png", "fig1b-distance-to-final.png", "fig2-benign-parent-robust.png", "fig2-first-order.png" })
        {
            Assert.Contains($"]({png})", text);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(dir, png))[..4]);
        }
    }
}

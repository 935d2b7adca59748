using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Attacks;

[Tier(TestTier.Fast)]
public class AttackSuiteTests
{
    /// <summary>A small, quick suite: 10-step PGD ×2, APGD-CE-10, 6-step sweep at the default radii.</summary>
    private static readonly MaskingConfig Quick = new(Epsilon: 4.0 / 255, Subset: null, PgdSteps: 10, PgdRestarts: 2, ApgdIterations: 10, SweepSteps: 6);

    /// <summary>Images well inside [0,1] (the largest ball, 32/255, stays inside the box), labelled by <paramref name="labeller"/>'s own predictions.</summary>
    private static LabeledImages Images(Classifier labeller, int count, int seed)
    {
        using var gen = new Generator((ulong)seed);
        var x = 0.2f + 0.6f * torch.rand(count, 3, 32, 32, generator: gen);
        using var _ = torch.no_grad();
        return new LabeledImages(x, labeller.forward(x).argmax(1), (int)labeller.forward(x[..1]).shape[1], "constructed images");
    }

    [Fact]
    public void ALinearClassifierPassesEveryCheck()
    {
        using var linear = new ConstructedClassifier(x => x);
        using var test = Images(linear, 40, seed: 1);
        var report = AttackSuite.Run(linear, linear, test, Quick, seed: 0, NullProgress.Instance);
        Assert.True(report.Ok, string.Join("; ", report.FailedChecks));
        Assert.Equal(1.0, report.CleanAccuracy);
        Assert.Equal(0.0, report.ZeroGradientFraction);
        Assert.Equal(0.0, report.Sweep[^1].Accuracy);
        Assert.Equal(0, report.TransferOnlyBreaks);
        Assert.False(MaskingChecks.CompareTransfer([(report.TransferOnlyBreaks!.Value, report.StrongestWhiteBoxOnlyBreaks!.Value)]).TransferStronger);
    }

    [Fact]
    public void ASaturatedSoftmaxIsFlaggedByTheGradientTheSweepAndTheTransferAttack()
    {
        // Logits ×1e4: the same decisions as the linear model, but the cross-entropy's gradient underflows to exactly 0.
        using var linear = new ConstructedClassifier(x => x);
        using var saturated = new ConstructedClassifier(x => x * 1e4f);
        using var test = Images(linear, 40, seed: 1);
        var report = AttackSuite.Run(saturated, linear, test, Quick, seed: 0, NullProgress.Instance);
        Assert.False(report.Ok);
        Assert.Equal(1.0, report.CleanAccuracy);
        Assert.True(report.ZeroGradientFraction >= 0.9, $"zero-gradient fraction {report.ZeroGradientFraction}");
        Assert.Contains(report.FailedChecks, f => f.StartsWith("input gradient exactly zero"));
        Assert.Contains(report.FailedChecks, f => f.StartsWith("accuracy") && f.Contains("largest sweep radius"));
        // The transfer check is per figure: here one replicate, the transfer attack alone breaking what the blind suite cannot.
        var transfer = MaskingChecks.CompareTransfer([(report.TransferOnlyBreaks!.Value, report.StrongestWhiteBoxOnlyBreaks!.Value)]);
        Assert.True(transfer.TransferStronger, transfer.Describe());
        Assert.Equal(0, transfer.WhiteBoxOnly);
        Assert.True(report.TransferAccuracy < report.WorstCaseAccuracy - 0.2,
            $"transfer {report.TransferAccuracy} should be far below the blind white-box {report.WorstCaseAccuracy}");
    }

    [Fact]
    public void APiecewiseConstantClassifierIsFlaggedAsBlind()
    {
        using var rounded = ConstructedClassifier.PiecewiseConstant();
        using var test = Images(rounded, 30, seed: 2);
        var report = AttackSuite.Run(rounded, null, test, Quick with { SweepRadii = [4.0 / 255] }, seed: 0, NullProgress.Instance);
        Assert.Equal(1.0, report.ZeroGradientFraction);
        Assert.Contains(report.FailedChecks, f => f.StartsWith("input gradient exactly zero on 30 of 30"));
        Assert.Null(report.TransferAccuracy);
        Assert.Null(report.TransferOnlyBreaks);
    }

    [Fact]
    public void OnALinearModelTheSweepMatchesTheClosedFormMinimalRadius()
    {
        // f(x) = Wx + b with 3 classes: the least ℓ∞ perturbation that changes the prediction y is
        // min_{j≠y} ((w_y − w_j)·x + b_y − b_j) / ‖w_y − w_j‖₁ (the box is never reached: images in [0.2, 0.8], radii ≤ 32/255).
        using var linear = new ConstructedClassifier(x => x, classes: 3, seed: 4);
        using var test = Images(linear, 60, seed: 3);
        var w = linear.Trainable[0].detach().to(float64);
        var x = test.Images.flatten(1).to(float64);
        var logits = x.matmul(w.t()); // b = 0
        var radius = new double[test.Count];
        var labels = test.LabelArray();
        for (int i = 0; i < test.Count; i++)
        {
            int yi = (int)labels[i];
            radius[i] = Enumerable.Range(0, 3).Where(j => j != yi)
                .Min(j => (logits[i, yi] - logits[i, j]).ToDouble() / (w[yi] - w[j]).abs().sum().ToDouble());
        }
        var report = AttackSuite.Run(linear, null, test, Quick with { SweepSteps = 10 }, seed: 0, NullProgress.Instance);
        int checkedAbove = 0, checkedBelow = 0;
        foreach (var point in report.Sweep)
        {
            for (int i = 0; i < test.Count; i++)
            {
                bool robust = point.Correct[i];
                // No attack can break an image whose minimal radius exceeds ε (up to float32 rounding).
                if (radius[i] > point.Epsilon * 1.001) { Assert.True(robust, $"image {i} (radius {radius[i] * 255:F3}/255) broken at ε={point.Epsilon * 255}/255"); checkedBelow++; }
                // Convergence slack: images within 10% of ε are not asked of the attack.
                if (radius[i] < point.Epsilon * 0.9) { Assert.False(robust, $"image {i} (radius {radius[i] * 255:F3}/255) not broken at ε={point.Epsilon * 255}/255"); checkedAbove++; }
            }
            int expected = radius.Count(r => r > point.Epsilon), got = point.Correct.Correct;
            int ambiguous = radius.Count(r => r >= point.Epsilon * 0.9 && r <= point.Epsilon * 1.001);
            Assert.InRange(got, expected - ambiguous, expected + ambiguous);
        }
        Assert.True(checkedAbove > 30 && checkedBelow > 30, $"radii should straddle the sweep: {checkedAbove} below ε, {checkedBelow} above");
        Assert.Equal(0.0, report.Sweep[^1].Accuracy);
        Assert.Equal(0, report.SweepInversions);
    }

    [Fact]
    public void TheSubsetIsTheFirstKImagesAndTheBitsAreInTestOrder()
    {
        using var linear = new ConstructedClassifier(x => x);
        using var test = Images(linear, 25, seed: 5);
        var config = Quick with { Subset = 10, BatchSize = 4, SweepRadii = [2.0 / 255, 32.0 / 255] };
        var report = AttackSuite.Run(linear, null, test, config, seed: 0, NullProgress.Instance);
        Assert.Equal(10, report.Count);
        Assert.Contains("first 10 of 25", report.Subset);
        Assert.All(report.Attacks, a => Assert.Equal(10, a.Correct.Count));
        Assert.Equal(3, report.Attacks.Count);
        Assert.Equal(10, report.WorstCaseCorrect.Count);
        // Batching must not reorder: the first 4 images attacked alone give the same clean bits.
        var alone = AttackSuite.Run(linear, null, test, config with { Subset = 4 }, seed: 0, NullProgress.Instance);
        Assert.Equal(report.CleanCorrect.Bits()[..4], alone.CleanCorrect.Bits());
        Assert.Equal(report.WorstCaseCorrect.Bits()[..4], alone.WorstCaseCorrect.Bits());
        // The worst case is the per-image minimum over the attacks.
        for (int i = 0; i < 10; i++)
            Assert.Equal(report.Attacks.All(a => a.Correct[i]), report.WorstCaseCorrect[i]);
    }

    /// <summary>The suite on a linear model, 6 images, short attacks: a report that passes every check.</summary>
    private static MaskingReport SmallLinearReport()
    {
        using var linear = new ConstructedClassifier(x => x);
        using var test = Images(linear, 6, seed: 6);
        return AttackSuite.Run(linear, linear, test, Quick with { SweepRadii = [2.0 / 255, 32.0 / 255], PgdSteps = 3, ApgdIterations = 3 },
            seed: 0, NullProgress.Instance);
    }

    [Fact]
    public void TheReportRoundTripsThroughJson()
    {
        var report = SmallLinearReport();
        var json = Json.Serialize(report);
        Assert.Contains("\"ok\": true", json);
        Assert.Contains("\"worstCaseCorrect\"", json);
        var back = Json.Deserialize<MaskingReport>(json, "test");
        Assert.Equal(report.WorstCaseCorrect, back.WorstCaseCorrect);
        Assert.Equal(report.Attacks, back.Attacks);
        Assert.Equal(report.Sweep, back.Sweep);
        Assert.Equal(report.TransferCorrect, back.TransferCorrect);
        Assert.Equal(report.FailedChecks, back.FailedChecks);
        Assert.Equal(report.Ok, back.Ok);
        Assert.Equal(report.AccuracyByAttack[MaskingReport.WorstCaseName], back.WorstCaseAccuracy);
    }

    [Fact]
    public void AStoredReportIsJudgedByTodaysChecksNotByTheListItWasWrittenWith()
    {
        // Reports written before the transfer check became per figure stored a per-replicate transfer failure.
        var report = SmallLinearReport();
        var old = System.Text.Json.Nodes.JsonNode.Parse(Json.Serialize(report))!.AsObject();
        old["failedChecks"] = new System.Text.Json.Nodes.JsonArray("transfer beats white-box: 3 of 6 images robust to the white-box worst case are broken by the transfer attack (tolerance 1)");
        old["ok"] = false;
        var back = Json.Deserialize<MaskingReport>(old.ToJsonString(), "old report");
        Assert.Empty(back.FailedChecks);
        Assert.True(back.Ok);
        // ...while a failure its stored figures show is found again: a blind sweep (all robust at 32/255).
        var blind = back with { Sweep = [.. back.Sweep.SkipLast(1), back.Sweep[^1] with { Accuracy = 1, Correct = new string('1', back.Count).AsCorrectness() }] };
        var again = Json.Deserialize<MaskingReport>(Json.Serialize(blind), "blind");
        Assert.Contains(again.FailedChecks, f => f.StartsWith("accuracy 100.0% at the largest sweep radius"));
    }

    [Fact]
    public void TheSuiteRestoresTrainingModeAndValidatesItsConfig()
    {
        using var model = new StandardClassifier(new NtkRepro.Numerics.Models.ModelSpec(NtkRepro.Numerics.Models.ModelSpec.SmallCnn, 4, 10).Create(0));
        model.SetTraining(true);
        using var test = new LabeledImages(torch.rand(4, 3, 32, 32), torch.randint(0, 10, [4]), 10, "random");
        AttackSuite.Run(model, null, test, Quick with { PgdSteps = 1, PgdRestarts = 1, ApgdIterations = 1, SweepSteps = 1, SweepRadii = [0.1] }, 0, NullProgress.Instance);
        Assert.True(model.IsTraining);
        Assert.Contains("subset 0", Assert.Throws<ArgumentException>(() => (Quick with { Subset = 0 }).Validate()).Message);
        Assert.Contains("PGD restarts 0", Assert.Throws<ArgumentException>(() => (Quick with { PgdRestarts = 0 }).Validate()).Message);
        Assert.Contains("must be strictly ascending", Assert.Throws<ArgumentException>(() => (Quick with { SweepRadii = [0.1, 0.05] }).Validate()).Message);
        Assert.Contains("sweep radius 2", Assert.Throws<ArgumentException>(() => (Quick with { SweepRadii = [0.1, 2] }).Validate()).Message);
        Assert.Contains("APGD iterations 0", Assert.Throws<ArgumentException>(() => (Quick with { ApgdIterations = 0 }).Validate()).Message);
        Assert.Contains("1.5", Assert.Throws<ArgumentException>(() => (Quick with { MaxAccuracyAtLargestRadius = 1.5 }).Validate()).Message);
    }
}

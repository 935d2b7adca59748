using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using V = NtkRepro.Judgement.Claims.Verdict;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>
/// Every claim on constructed results that support it, oppose it (significantly the other side of
/// the paper's direction) and are null (no effect): the rule must reproduce the first, contradict
/// the second (or, where the paper gives no direction, find it below the margin) and do neither
/// with the third.
/// </summary>
[Tier(TestTier.Fast)]
public class ClaimRuleMatrixTests
{
    /// <summary>A benign parent accurate enough for C1's and C10's model-quality premise.</summary>
    private static readonly Func<ScheduleKind, double, (double, double)> Accurate = (p, t) => p == ScheduleKind.Adversarial ? (0.8, 0.5) : (0.92, 0.02);

    private static ReproductionResults Eigen(Func<int, int, (double, double, double)> lfe)
    {
        var r = new ResultsBuilder().Build();
        return r with { Variants = [r.Variants[0] with { EigenImages = ClaimRegistryTests.EigenRuns(lfe) }] };
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { "C1", "support" }, { "C1", "oppose" }, { "C1", "null" },
        { "C2", "support" }, { "C2", "null" },
        { "C3", "support" }, { "C3", "oppose" }, { "C3", "null" },
        { "C4", "support" }, { "C4", "oppose" }, { "C4", "null" },
        { "C5", "support" }, { "C5", "oppose" }, { "C5", "null" },
        { "C6", "support" }, { "C6", "oppose" }, { "C6", "null" },
        // C7's and C18's null cases are their size tests over 500 simulated draws (PremiseAndRuleTests): one constructed null decides nothing about a test's size.
        { "C7", "support" }, { "C7", "oppose" },
        { "C8", "support" }, { "C8", "oppose" }, { "C8", "null" },
        { "C9", "support" }, { "C9", "oppose" }, { "C9", "null" },
        { "C10", "support" }, { "C10", "oppose" }, { "C10", "null" },
        { "C11", "support" }, { "C11", "oppose" }, { "C11", "null" },
        { "C12", "support" }, { "C12", "oppose" }, { "C12", "null" },
        { "C13", "support" }, { "C13", "oppose" }, { "C13", "null" },
        { "C14", "support" }, { "C14", "oppose" }, { "C14", "null" },
        { "C15", "support" }, { "C15", "oppose" }, { "C15", "null" },
        { "C16", "support" }, { "C16", "oppose" }, { "C16", "null" },
        { "C18", "support" }, { "C18", "oppose" },
    };

    private static ReproductionResults Build(string id, string kind) => (id, kind) switch
    {
        ("C1", "support") => new ResultsBuilder { Parent = Accurate, FixedKernel = (0.8, 0.76) }.Build(),
        ("C1", "oppose") => new ResultsBuilder { Parent = Accurate, FixedKernel = (0.8, 0.33) }.Build(),
        ("C1", "null") => new ResultsBuilder { Parent = Accurate, FixedKernel = (0.8, 0.81) }.Build(),
        ("C2", "null") => new ResultsBuilder { BetweenDistance = 0.1, WithinDistance = 0.1 }.Build(),
        ("C3", "oppose") => new ResultsBuilder { Child = (p, t, d) => (0.5, (p == ScheduleKind.Adversarial ? 0 : 0.15) + 0.2) }.Build(),
        ("C3", "null") => new ResultsBuilder { Child = (p, t, d) => (0.5, 0.2) }.Build(),
        ("C4", "oppose") => new ResultsBuilder { Jitter = 0.3, Velocity = (k, to) => to <= 1 ? 1.0 : 3.0 }.Build(),
        ("C4", "null") => new ResultsBuilder { Jitter = 1.5, Velocity = (k, to) => to <= 1 ? 1.0 : 0.3 }.Build(),
        ("C5", "oppose") => new ResultsBuilder { Jitter = 0.3, DistanceToFinal = (k, e) => e == 0 ? 0.1 : 0.5 }.Build(),
        ("C5", "null") => new ResultsBuilder { Jitter = 1.5, DistanceToFinal = (k, e) => e == 0 ? 0.5 : 0.2 }.Build(),
        ("C6", "oppose") => new ResultsBuilder { Jitter = 0.3, Velocity = (k, to) => to <= 1 ? 1.0 : k == ScheduleKind.Switch && to == ResultsBuilder.K + 1 ? 0.0001 : 0.01 }.Build(),
        ("C6", "null") => new ResultsBuilder { Jitter = 1.5, Velocity = (k, to) => to <= 1 ? 1.0 : k == ScheduleKind.Switch && to == ResultsBuilder.K + 1 ? 0.015 : 0.01 }.Build(),
        ("C7", "oppose") => new ResultsBuilder { SwitchEndsBenign = true }.Build(),
        ("C8", "oppose") => new ResultsBuilder { Specialization = k => k == ScheduleKind.Benign ? 2.0 : 3.0 }.Build(),
        ("C8", "null") => new ResultsBuilder { Specialization = k => 2.0 }.Build(),
        ("C9", "oppose") => new ResultsBuilder { EffectiveRank = k => k == ScheduleKind.Benign ? 20 : 19.5 }.Build(),
        ("C9", "null") => new ResultsBuilder { EffectiveRank = k => 20 }.Build(),
        ("C10", "support") => new ResultsBuilder { Parent = Accurate }.Build(),
        ("C10", "oppose") => new ResultsBuilder { Parent = Accurate, Child = (p, t, d) => (0.6, 0.3) }.Build(),
        ("C10", "null") => new ResultsBuilder { Parent = Accurate, Child = (p, t, d) => (0.6, 0.1) }.Build(),
        ("C11", "oppose") => new ResultsBuilder { Child = (p, t, d) => (0.5, d == Dynamics.Centered ? (t == 1 ? 0.25 : 0.10) : 0.03) }.Build(),
        ("C11", "null") => new ResultsBuilder { Child = (p, t, d) => (0.5, d == Dynamics.Centered ? (t == 1 ? 0.20 : 0.21) : 0.03) }.Build(),
        ("C12", "oppose") => new ResultsBuilder { Child = (p, t, d) => (0.3, p == ScheduleKind.Adversarial && d == Dynamics.Centered ? 0.15 : 0.05) }.Build(),
        ("C12", "null") => new ResultsBuilder { Child = (p, t, d) => (0.3, p == ScheduleKind.Adversarial && d == Dynamics.Centered ? 0.30 : 0.05) }.Build(),
        ("C13", "oppose") => new ResultsBuilder { Child = (p, t, d) => (0.5, d == Dynamics.Centered ? 0.05 : 0.25) }.Build(),
        ("C13", "null") => new ResultsBuilder { Child = (p, t, d) => (0.5, 0.2) }.Build(),
        ("C14", "oppose") => new ResultsBuilder { Jitter = 0.3, FirstOrderRatio = t => t == 1 ? 0.05 : 0.8 }.Build(),
        ("C14", "null") => new ResultsBuilder { Jitter = 1.5, FirstOrderRatio = t => 0.3 }.Build(),
        ("C15", "oppose") => new ResultsBuilder { FixedKernel = (0.5, 0.10) }.Build(),
        ("C15", "null") => new ResultsBuilder { FixedKernel = (0.5, 0.25) }.Build(),
        ("C16", "support") => Eigen((rep, c) => (0.08, 0.3, 0.6 + 0.02 * c)),
        ("C16", "oppose") => Eigen((rep, c) => (0.08, 0.6, 0.3 + 0.02 * c)),
        ("C16", "null") => Eigen((rep, c) => (0.08, 0.5 + (rep % 2 == 0 ? 0.1 : -0.1), 0.5)),
        ("C18", "oppose") => new ResultsBuilder { DistanceToFinal = (k, e) => k == ScheduleKind.Adversarial && e >= 1 ? 1.0 : 0.5 / (1 + e * e) }.Build(),
        (_, "support") => new ResultsBuilder().Build(),
        _ => throw new ArgumentException($"no {kind} case for {id}"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachClaimReproducesSupportingResultsContradictsOpposingOnesAndDecidesNothingOnANullEffect(string id, string kind)
    {
        var v = ClaimRegistry.Evaluate(Build(id, kind)).Single(x => x.Id == id);
        var because = $"{id} {kind}: {v.Verdict}: {v.Measured}";
        switch (kind)
        {
            case "support":
                Assert.True(v.Verdict == V.Reproduced, because);
                break;
            case "oppose":
                // C9's paper gives no direction: the opposite of "differs by more than 10%" is a difference inside ±10%.
                Assert.True(v.Verdict == (id == "C9" ? V.BelowMargin : V.Contradicted), because);
                break;
            default:
                Assert.True(v.Verdict is V.Inconclusive or V.BelowMargin, because);
                break;
        }
    }
}

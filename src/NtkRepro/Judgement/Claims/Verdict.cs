using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Judgement.Claims;

/// <summary>A claim's verdict at one scale.</summary>
public enum Verdict
{
    /// <summary>Every pre-registered test supports the claim at the 95% level.</summary>
    Reproduced,
    /// <summary>A test is significant on the opposite side of the paper's direction (at 5%/k for the claim's k tests).</summary>
    Contradicted,
    /// <summary>Within noise: the report says how large an effect the data exclude.</summary>
    Inconclusive,
    /// <summary>The claim cannot be tested at this scale (the reason is given).</summary>
    NotTestable,
    /// <summary>Its steps have not run (no GPU, no data, or waiting for steps of the plan).</summary>
    NotRun,
    /// <summary>No test is against the paper's direction, but one falls significantly short of the size the claim states (its margin).</summary>
    BelowMargin,
    /// <summary>The variant's plan does not run what the claim reads at all (a reduced scope, said where): a choice of the preset, not a missing step.</summary>
    OutOfScope,
}

public static class VerdictText
{
    public static string Of(Verdict v) => v switch
    {
        Verdict.Reproduced => "reproduced",
        Verdict.Contradicted => "contradicted",
        Verdict.Inconclusive => "inconclusive",
        Verdict.NotTestable => "not testable at this scale",
        Verdict.BelowMargin => "direction reproduced, below the margin",
        Verdict.OutOfScope => "out of scope (not planned)",
        _ => "not run",
    };

    /// <summary>
    /// The verdict of a claim's deciding tests: contradicted when any is; reproduced when all
    /// support; below the margin when any falls short of its margin (and none contradicts);
    /// inconclusive otherwise. The categories are exclusive by construction.
    /// </summary>
    public static Verdict From(IEnumerable<Decision> decisions)
    {
        var list = decisions.ToList();
        return list.Contains(Decision.Contradicted) ? Verdict.Contradicted
            : list.Count > 0 && list.All(d => d == Decision.Supported) ? Verdict.Reproduced
            : list.Contains(Decision.ShortOfMargin) ? Verdict.BelowMargin
            : Verdict.Inconclusive;
    }

    /// <summary>A verdict that says something about the claim from its own tests (as opposed to not run, not testable or out of scope).</summary>
    public static bool IsJudged(Verdict v) => v is Verdict.Reproduced or Verdict.Contradicted or Verdict.BelowMargin or Verdict.Inconclusive;
}

/// <summary>
/// A test's identity and its wording. The id names the test's figure in snapshots and baselines, so it
/// stays the same across presets, replicate counts and rewordings; the label is what reports show and
/// may carry the preset's numbers (an epoch, a count of spawn epochs).
/// </summary>
public sealed record TestName(string Id, string Label);

/// <summary>
/// One pre-registered test of a claim: the statistic measured, its estimate over replicates, the
/// rule written before any result, and what it decided. <see cref="Interval"/> is the bound the
/// rule reads (e.g. "lower 95% bound 0.031"), <see cref="Excluded"/> what the data rule out when undecided.
/// </summary>
public sealed record TestResult(string Name, Estimate Estimate, string Unit, string Rule, Decision Decision, string Interval, string? Excluded = null)
{
    /// <summary>One-sided p of the effect the claim predicts; supported at ≤ 0.05.</summary>
    public double SupportP { get; init; } = 1;

    /// <summary>One-sided p of the opposite side of the paper's direction; contradicts at ≤ 0.05/k within a claim of k deciding tests.</summary>
    public double AgainstP { get; init; } = 1;

    /// <summary>
    /// One-sided p of falling short of the margin (the claim's size) where the margin differs from
    /// the direction boundary; short of the margin at ≤ 0.05/k. 1 where the two coincide (then a
    /// shortfall is a contradiction).
    /// </summary>
    public double ShortfallP { get; init; } = 1;

    /// <summary>False where the estimate's per-replicate values are not replicates (a permutation test's pairs): the replicate premise does not count them.</summary>
    public bool ReplicateBased { get; init; } = true;

    /// <summary>False: shown and recorded, but not part of the verdict.</summary>
    public bool Deciding { get; init; } = true;

    /// <summary>The stable identity of its figure (<see cref="TestName.Id"/>); null for rows that are never recorded as figures (C17's).</summary>
    public string? Id { get; init; }

}

/// <summary>
/// A claim's verdict for one variant (dataset, ε): the tests behind it and a one-line account. A
/// claim whose robust figures may be masked is inconclusive without deciding tests; its
/// <see cref="SetAsideTests"/> are what the tests read with the suspicion set aside (shown and
/// compared as figures, so that a masking decision that differs between two runs is compared
/// with the statistics on both sides).
/// </summary>
public sealed record ClaimVerdict(string Id, string Variant, string Statement, string PaperFigure, string Statistic, string Rule,
    Verdict Verdict, string Measured, IReadOnlyList<TestResult> Tests, bool MaskingSuspected = false)
{
    public IReadOnlyList<TestResult> SetAsideTests { get; init; } = [];

    /// <summary>Its premises as measured (<see cref="Premise"/>); empty where the scale rules the claim out or it has none.</summary>
    public IReadOnlyList<PremiseResult> Premises { get; init; } = [];

    /// <summary>
    /// The claim's p-value as one hypothesis, for the family-wise column, for every claim judged on
    /// its own tests (null for the rest): a reproduced claim's is the largest of its tests' support
    /// p (all must hold); a contradicted one's the smallest against p times k; one below the margin
    /// the smallest shortfall p times k; an inconclusive one the smallest of the three (1 when its
    /// figures were set aside for masking), so that the family's size does not depend on which
    /// claims came out significant.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? FamilyP
    {
        get
        {
            if (ReadsOtherClaims || !VerdictText.IsJudged(Verdict)) return null;
            var deciding = Tests.Where(t => t.Deciding).ToList();
            if (deciding.Count == 0) return 1;
            double support = deciding.Max(t => t.SupportP);
            double against = Math.Min(1, deciding.Min(t => t.AgainstP) * deciding.Count);
            double shortfall = Math.Min(1, deciding.Min(t => t.ShortfallP) * deciding.Count);
            return Verdict switch
            {
                Verdict.Reproduced => support,
                Verdict.Contradicted => against,
                Verdict.BelowMargin => shortfall,
                _ => Math.Min(support, Math.Min(against, shortfall)),
            };
        }
    }

    /// <summary>Its tests are other claims' (<see cref="Claim.ReadsOtherClaims"/>).</summary>
    public bool ReadsOtherClaims { get; init; }

    /// <summary>The tests whose figures a run records: the deciding ones, or the set-aside ones of a masked claim.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<TestResult> RecordedTests => MaskingSuspected ? SetAsideTests : Tests;
}

using NtkRepro.Statistics;

namespace NtkRepro.Claims;

/// <summary>A claim's verdict at one scale.</summary>
public enum Verdict
{
    /// <summary>Every pre-registered test supports the claim at the 95% level.</summary>
    Reproduced,
    /// <summary>A test is significant the other way.</summary>
    Contradicted,
    /// <summary>Within noise: the report says how large an effect the data exclude.</summary>
    Inconclusive,
    /// <summary>The claim cannot be tested at this scale (the reason is given).</summary>
    NotTestable,
    /// <summary>Its steps have not run (no GPU, no data, or waiting for steps of the plan).</summary>
    NotRun,
}

public static class VerdictText
{
    public static string Of(Verdict v) => v switch
    {
        Verdict.Reproduced => "reproduced",
        Verdict.Contradicted => "contradicted",
        Verdict.Inconclusive => "inconclusive",
        Verdict.NotTestable => "not testable at this scale",
        _ => "not run",
    };

    public static Verdict From(IEnumerable<Decision> decisions) => OneSided.All(decisions) switch
    {
        Decision.Supported => Verdict.Reproduced,
        Decision.Contradicted => Verdict.Contradicted,
        _ => Verdict.Inconclusive,
    };
}

/// <summary>
/// One pre-registered test of a claim: the statistic measured, its estimate over replicates, the
/// rule written before any result, and what it decided. <see cref="Interval"/> is the bound the
/// rule reads (e.g. "lower 95% bound 0.031"), <see cref="Excluded"/> what the data rule out when undecided.
/// </summary>
public sealed record TestResult(string Name, Estimate Estimate, string Unit, string Rule, Decision Decision, string Interval, string? Excluded = null)
{
    /// <summary>One-sided p of the effect the claim predicts; supported at ≤ 0.05.</summary>
    public double SupportP { get; init; } = 1;

    /// <summary>One-sided p of the opposite; contradicts at ≤ 0.05/k within a claim of k deciding tests.</summary>
    public double AgainstP { get; init; } = 1;

    /// <summary>False: shown and recorded, but not part of the verdict.</summary>
    public bool Deciding { get; init; } = true;

    /// <summary>The estimate lies on the claim's side of 0 (its lower 95% bound above 0) whatever its margin.</summary>
    public bool DirectionHolds { get; init; }
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
    /// The claim's p-value as one hypothesis, for the family-wise column: a reproduced claim's is the
    /// largest of its tests' support p (all must hold), a contradicted one's the smallest against p times k; null otherwise.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? FamilyP
    {
        get
        {
            var deciding = Tests.Where(t => t.Deciding).ToList();
            return Verdict switch
            {
                Verdict.Reproduced when !ReadsOtherClaims => deciding.Max(t => t.SupportP),
                Verdict.Contradicted when !ReadsOtherClaims => Math.Min(1, deciding.Min(t => t.AgainstP) * deciding.Count),
                _ => null,
            };
        }
    }

    /// <summary>Its tests are other claims' (<see cref="Claim.ReadsOtherClaims"/>).</summary>
    public bool ReadsOtherClaims { get; init; }

    /// <summary>The tests whose figures a run records: the deciding ones, or the set-aside ones of a masked claim.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<TestResult> RecordedTests => MaskingSuspected ? SetAsideTests : Tests;
}

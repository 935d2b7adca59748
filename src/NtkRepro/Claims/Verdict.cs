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
public sealed record TestResult(string Name, Estimate Estimate, string Unit, string Rule, Decision Decision, string Interval, string? Excluded = null);

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

    /// <summary>Its tests are other claims' (<see cref="Claim.ReadsOtherClaims"/>).</summary>
    public bool ReadsOtherClaims { get; init; }

    /// <summary>The tests whose figures a run records: the deciding ones, or the set-aside ones of a masked claim.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<TestResult> RecordedTests => MaskingSuspected ? SetAsideTests : Tests;
}

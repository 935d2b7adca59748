using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Claims;

/// <summary>
/// One claim of the paper as pre-registered tests: what it says, the statistic, the decision rule
/// (written before any result and never tuned after), the premises of the paper's regime its tests
/// presuppose, the scales where it cannot be tested at all and why, and the tests themselves,
/// computed from a variant's results. A claim is reproduced when every deciding test supports it
/// at 95%; contradicted when one deciding test is significant on the opposite side of the paper's
/// direction at 5%/k for its k deciding tests (Holm's first step: the chance of a false
/// contradiction stays at 5% however many tests the claim has); below the margin when none is
/// against the direction but one falls significantly short of the claim's size; an unmet premise
/// (the replicates that contribute to each test counted on the data) makes it not testable at this
/// scale, an undecided one inconclusive; a figure with no spread at all (a floor or ceiling) cannot
/// decide, and what a variant does not plan is out of scope there.
/// </summary>
/// <param name="ReadsOtherClaims">
/// Its tests are other claims' tests (C17: the 8/255 verdicts of the claims reproduced at 4/255):
/// which ones depends on those verdicts, so they are not recorded as figures of their own.
/// </param>
/// <param name="RadiusIndependent">Its figures do not depend on the attack radius (C14: benign children, no attack): C17 leaves it out.</param>
public sealed record Claim(
    string Id,
    string Where,
    string Statement,
    string PaperFigure,
    string Statistic,
    string Rule,
    IReadOnlyDictionary<Scale, string> NotTestable,
    Func<ClaimData, Needed<IReadOnlyList<TestResult>>>? Tests,
    string? NotBuilt = null,
    bool ReadsOtherClaims = false,
    IReadOnlyList<Premise>? Premises = null,
    bool RadiusIndependent = false,
    ClaimNeeds Needs = ClaimNeeds.None)
{
    private const double Alpha = 1 - OneSided.Level;

    /// <summary>The fewest replicates that must contribute to each deciding t-based test (two degrees of freedom).</summary>
    public const int MinReplicates = 3;

    public ClaimVerdict Evaluate(ReproductionResults results, VariantResults variant)
    {
        IReadOnlyList<PremiseResult> premises = [];
        ClaimVerdict Make(Verdict v, string measured, IReadOnlyList<TestResult>? tests = null) =>
            new(Id, variant.Variant.Name, Statement, PaperFigure, Statistic, Rule, v, measured, tests ?? []) { ReadsOtherClaims = ReadsOtherClaims, Premises = premises };
        if (NotTestable.TryGetValue(results.Scale, out var why)) return Make(Verdict.NotTestable, why);
        if (NotBuilt is not null || Tests is null) return Make(Verdict.NotRun, NotBuilt ?? "not built");
        if (OutOfScope(variant) is { } scope) return Make(Verdict.OutOfScope, scope);
        ClaimVerdict Missing(Gap gap) => gap.Kind switch
        {
            GapKind.MaskingSuspected => Masked(results, variant, gap, Make),
            GapKind.NotTestable => Make(Verdict.NotTestable, gap.Reason),
            _ => Make(Verdict.NotRun, gap.Reason + (results.Progress.Complete ? "" : $" (waiting for {results.Progress.Waiting.Count} of {results.Progress.StepsTotal} steps)")),
        };
        var data = new ClaimData(results, variant);
        var measuredPremises = (Premises ?? []).Select(p => p.Measure(data)).All();
        if (measuredPremises.Gap is { } premiseGap) return Missing(premiseGap);
        premises = measuredPremises.Value;
        if (premises.FirstOrDefault(p => p.Verdict == PremiseVerdict.Unmet) is { } unmet)
            return Make(Verdict.NotTestable, $"premise '{unmet.Premise}' unmet: {unmet.Measured}");
        var reading = Tests(data);
        if (reading.Gap is { } gap) return Missing(gap);
        var tests = Decide(reading.Value);
        var replicates = ReplicatesPremise(tests);
        if (replicates is not null) premises = [.. premises, replicates];
        if (replicates is { Verdict: PremiseVerdict.Unmet })
            return results.Progress.Complete
                ? Make(Verdict.NotTestable, $"premise '{replicates.Premise}' unmet: {replicates.Measured}", tests)
                : Make(Verdict.NotRun, $"{replicates.Measured} (waiting for {results.Progress.Waiting.Count} of {results.Progress.StepsTotal} steps)", tests);
        if (tests.FirstOrDefault(t => t.Deciding && t.ReplicateBased && !ReadsOtherClaims && t.Unit == "%" && !HasSpread(t.Estimate)) is { } flat)
            return Make(Verdict.NotTestable,
                $"'{flat.Name}' reads {Format.Estimate(flat.Estimate, flat.Unit)} with no spread between replicates or images " +
                    "(a figure at a floor or ceiling, such as every image broken at this radius): it cannot decide anything", tests);
        var measured = string.Join("; ", tests.Select(Describe)) + DirectionNote(tests);
        if (premises.FirstOrDefault(p => p.Verdict == PremiseVerdict.Undecided) is { } undecided)
            return Make(Verdict.Inconclusive, $"premise '{undecided.Premise}' undecided ({undecided.Measured}); the tests, not deciding: {measured}", tests);
        return Make(VerdictOf(tests), measured, tests);
    }

    /// <summary>Inconclusive for a robust figure suspected of masking, with what the tests would read on the worst-case figures set aside.</summary>
    private ClaimVerdict Masked(ReproductionResults results, VariantResults variant, Gap gap, Func<Verdict, string, IReadOnlyList<TestResult>?, ClaimVerdict> make)
    {
        var setAside = SetAside(results, variant);
        string reading = setAside.Count == 0 ? ""
            : $". Set aside, the worst-case figures would make it {VerdictText.Of(VerdictOf(setAside))}: {string.Join("; ", setAside.Select(Describe))}";
        return make(Verdict.Inconclusive, "a robust figure it needs may be masked: " + gap.Reason + reading, null) with { MaskingSuspected = true, SetAsideTests = setAside };
    }

    /// <summary>What the variant's plan leaves out of what the claim reads, in words; null when it runs all of it (or says nothing of its scope).</summary>
    private string? OutOfScope(VariantResults variant)
    {
        if (variant.Scope is not { } scope) return null;
        var missing = new List<string>();
        if (Needs.HasFlag(ClaimNeeds.SwitchRun) && !scope.Schedules.Contains(ScheduleKind.Switch)) missing.Add("no switch run");
        if (Needs.HasFlag(ClaimNeeds.SectionSeven) && !scope.SectionSeven) missing.Add("no section-7 run");
        if (Needs.HasFlag(ClaimNeeds.EigenImages) && !scope.EigenImages) missing.Add("no eigen-images");
        return missing.Count == 0 ? null : $"out of scope: {variant.Variant.Name} runs {scope.Description}, so {string.Join(" and ", missing)} (planned that way, not a missing step)";
    }

    /// <summary>
    /// The replicates premise, measured on the data: how many replicates contribute to each
    /// deciding t-based test (a figure computed from the replicates that finished, not the ones
    /// planned). Null for a claim whose tests read other claims or have no such test.
    /// </summary>
    private PremiseResult? ReplicatesPremise(IReadOnlyList<TestResult> tests)
    {
        var counted = tests.Where(t => t.Deciding && t.ReplicateBased).ToList();
        if (ReadsOtherClaims || counted.Count == 0) return null;
        int fewest = counted.Min(t => t.Estimate.Replicates);
        var few = counted.Where(t => t.Estimate.Replicates < MinReplicates).ToList();
        return new PremiseResult("enough replicates", $"at least {MinReplicates} replicates contribute to every deciding test",
            few.Count == 0 ? PremiseVerdict.Met : PremiseVerdict.Unmet,
            few.Count == 0 ? $"at least {fewest} replicates contribute to every test"
                : string.Join("; ", few.Select(t => $"{t.Estimate.Replicates} replicate(s) contribute to '{t.Name}'")));
    }

    /// <summary>An accuracy figure with no spread between replicates or images sits at 0% or 100% (every image broken, say): it carries no evidence either way.</summary>
    private static bool HasSpread(Estimate e) => e.HasUncertainty && e.StandardError > 0;

    /// <summary>The verdict of decided tests: the deciding ones only.</summary>
    public static Verdict VerdictOf(IReadOnlyList<TestResult> tests) => VerdictText.From(tests.Where(t => t.Deciding).Select(t => t.Decision));

    /// <summary>
    /// Each test's decision within the claim: supported at p ≤ 0.05; contradicted when significant
    /// on the opposite side of the paper's direction at p ≤ 0.05/k for the k deciding tests; short
    /// of the margin when significantly below the claim's size at 0.05/k. Tests whose decision
    /// reads other claims' verdicts (C17) keep it.
    /// </summary>
    private IReadOnlyList<TestResult> Decide(IReadOnlyList<TestResult> tests)
    {
        if (ReadsOtherClaims) return tests;
        int k = Math.Max(1, tests.Count(t => t.Deciding));
        return tests.Select(t => t with { Decision = DecisionOf(t.SupportP, t.AgainstP, t.ShortfallP, k) }).ToList();
    }

    /// <summary>The one decision a test's three p-values give within a claim of k deciding tests.</summary>
    public static Decision DecisionOf(double support, double against, double shortfall, int k) =>
        support <= Alpha ? Decision.Supported
        : against <= Alpha / k ? Decision.Contradicted
        : shortfall <= Alpha / k ? Decision.ShortOfMargin
        : Decision.Undecided;

    /// <summary>An inconclusive claim whose every deciding test lies on the paper's side of its direction (not significantly): said, never the verdict.</summary>
    private static string DirectionNote(IReadOnlyList<TestResult> tests)
    {
        var deciding = tests.Where(t => t.Deciding).ToList();
        return deciding.Count > 0 && VerdictOf(tests) == Verdict.Inconclusive && deciding.All(t => t.AgainstP > 0.5 && t.AgainstP < 1)
            ? "; every estimate lies on the paper's side of its direction, within noise" : "";
    }

    /// <summary>The tests read on the per-image worst-case figures with the suspicion set aside: shown and recorded as figures, never the verdict.</summary>
    private IReadOnlyList<TestResult> SetAside(ReproductionResults results, VariantResults variant)
    {
        using var waived = ClaimData.WaiveMaskingChecks();
        var reading = Tests!(new ClaimData(results, variant));
        return reading.IsPresent ? Decide(reading.Value) : [];
    }

    public static string Describe(TestResult t) => $"{t.Name}: {Format.Estimate(t.Estimate, t.Unit)}, {t.Interval}{(t.Deciding ? "" : " (shown, not deciding)")}";
}

/// <summary>What a claim reads that a reduced scope may not plan: without it the claim is out of scope there.</summary>
[Flags]
public enum ClaimNeeds
{
    None = 0,
    SwitchRun = 1,
    SectionSeven = 2,
    EigenImages = 4,
}

/// <summary>
/// Builds the tests of <see cref="ClaimRegistry"/>: one-sided at 95% against a margin, two-sided
/// bands, permutation tests; each with the one-sided p-values for and against the claim, which
/// <see cref="Claim"/> turns into decisions.
/// </summary>
public static class Tests
{
    private const double Level = OneSided.Level;

    /// <summary>
    /// The quantity exceeds <paramref name="margin"/>. <paramref name="direction"/> (default: the
    /// margin) separates the paper's direction from its opposite: significantly below it
    /// contradicts; between it and the margin, significantly, is short of the margin.
    /// </summary>
    public static TestResult Above(TestName name, Estimate e, double margin, string unit = "", double? direction = null)
    {
        var (support, shortfall) = OneSided.AboveP(e, margin);
        double against = direction is { } d && d != margin ? OneSided.AboveP(e, d).Against : shortfall;
        return Named(name, e, unit, $"> {Format.Value(margin, unit)}", Raw(support, against),
            e.HasUncertainty ? $"lower 95% bound {Format.Value(e.Lower(Level), unit)}" : "no spread measured",
            e.HasUncertainty ? $"values above {Format.Value(e.Upper(Level), unit)} excluded" : null)
        with { SupportP = support, AgainstP = against, ShortfallP = direction is { } d2 && d2 != margin ? shortfall : 1 };
    }

    /// <summary>The quantity is below <paramref name="margin"/>; significantly above <paramref name="direction"/> (default: the margin) contradicts.</summary>
    public static TestResult Below(TestName name, Estimate e, double margin, string unit = "", double? direction = null)
    {
        var (support, shortfall) = OneSided.BelowP(e, margin);
        double against = direction is { } d && d != margin ? OneSided.BelowP(e, d).Against : shortfall;
        return Named(name, e, unit, $"< {Format.Value(margin, unit)}", Raw(support, against),
            e.HasUncertainty ? $"upper 95% bound {Format.Value(e.Upper(Level), unit)}" : "no spread measured",
            e.HasUncertainty ? $"values below {Format.Value(e.Lower(Level), unit)} excluded" : null)
        with { SupportP = support, AgainstP = against, ShortfallP = direction is { } d2 && d2 != margin ? shortfall : 1 };
    }

    /// <summary>
    /// A ratio of positive quantities tested on the log scale: the geometric mean of the
    /// per-replicate ratios below (or above) <paramref name="margin"/>, the paper's direction being
    /// below (above) 1. A mean of ratios whose denominators come near 0 is ruled by its largest
    /// spike; the log makes one spike of 50 weigh what a dip to 1/50 does.
    /// </summary>
    public static Needed<TestResult> LogRatio(TestName name, IReadOnlyList<double> ratios, double margin, bool below)
    {
        if (ratios.Any(r => !(r > 0) || !double.IsFinite(r)))
            return Gap.Missing($"'{name.Label}': a ratio is not a positive number ({string.Join(", ", ratios.Select(r => Format.Number(r)))})");
        var e = Estimate.FromReplicates(ratios.Select(r => Math.Log(r)).ToList());
        var logName = name with { Label = name.Label + " (log)" };
        var test = below ? Below(logName, e, Math.Log(margin), "", 0) : Above(logName, e, Math.Log(margin), "", 0);
        string bound = !e.HasUncertainty ? "no spread measured"
            : $"geometric mean {Format.Number(Math.Exp(e.Mean))}, {(below ? "upper" : "lower")} 95% bound {Format.Number(Math.Exp(below ? e.Upper(Level) : e.Lower(Level)))}";
        return test with { Rule = $"geometric mean {(below ? "<" : ">")} {Format.Number(margin)}", Interval = bound };
    }

    /// <summary>|quantity| &gt; margin, two-sided 95% interval. The paper gives no direction, so it cannot be contradicted; an interval inside the band is short of the margin.</summary>
    public static TestResult OutsideBand(TestName name, Estimate e, double margin, string unit = "")
    {
        double level = 1 - (1 - Level) / 2;
        var (support, inside) = OneSided.OutsideBandP(e, margin);
        string interval = e.HasUncertainty ? $"95% interval [{Format.Value(e.Lower(level), unit)}, {Format.Value(e.Upper(level), unit)}]" : "no spread measured";
        return Named(name, e, unit, $"|·| > {Format.Value(margin, unit)}", Raw(support, 1), interval,
            e.HasUncertainty ? "values outside that interval excluded" : null) with { SupportP = support, AgainstP = 1, ShortfallP = inside };
    }

    /// <summary>
    /// A permutation test's result as a test: supported when p ≤ 0.05; it cannot contradict. The
    /// estimate carries the statistic's jackknife spread, so a rerun can compare the statistic with
    /// its measured noise; the decision reads only p.
    /// </summary>
    public static TestResult Permutation(TestName name, DistancePermutationTest.Result r, IReadOnlyList<double> between)
    {
        string interval = $"between {Format.Number(r.Between)} vs within {Format.Number(r.Within)}, one-sided p = {Format.Number(r.PValue)} " +
                          $"(smallest attainable {Format.Number(r.SmallestAttainableP)}, {r.Labellings} relabellings)";
        return Named(name, new Estimate(r.Statistic, r.JackknifeStandardError, r.JackknifeDegreesOfFreedom, between), "", "p ≤ 0.05",
            Raw(r.PValue, 1), interval, r.PValue > 1 - Level ? "within noise at this many replicates" : null) with { SupportP = r.PValue, AgainstP = 1, ReplicateBased = false };
    }

    /// <summary>
    /// A statistic tested by relabelling two groups of reference objects (<see cref="LabelPermutation"/>):
    /// supported when its upper p ≤ 0.05, against the claim when its lower p is small (the
    /// statistic significantly on the wrong side). The estimate keeps its replicate spread (e.g. a
    /// jackknife) for display and for comparing reruns; the decision reads only the permutation p.
    /// </summary>
    public static TestResult Relabelled(TestName name, Estimate e, LabelPermutation.Result r, string relabelled)
    {
        string interval = $"one-sided p = {Format.Number(r.UpperP)} (against: {Format.Number(r.LowerP)}) over {r.Labellings} {(r.Exact ? "" : "sampled ")}relabellings of the {relabelled} " +
                          $"(smallest attainable {Format.Number(r.SmallestAttainableP)})";
        return Named(name, e, "", "p ≤ 0.05", Raw(r.UpperP, r.LowerP), interval, r.UpperP > 1 - Level && r.LowerP > 1 - Level ? "within noise at this many replicates" : null)
        with { SupportP = r.UpperP, AgainstP = r.LowerP };
    }

    /// <summary>A test result under its name: the label for reports, the id for its figure.</summary>
    private static TestResult Named(TestName name, Estimate e, string unit, string rule, Decision decision, string interval, string? excluded) =>
        new(name.Label, e, unit, rule, decision, interval, excluded) { Id = name.Id };

    /// <summary>A test that is shown and recorded but does not decide the claim.</summary>
    public static TestResult Shown(TestResult t) => t with { Deciding = false };

    private static Decision Raw(double support, double against) =>
        support <= 1 - Level ? Decision.Supported : against <= 1 - Level ? Decision.Contradicted : Decision.Undecided;
}

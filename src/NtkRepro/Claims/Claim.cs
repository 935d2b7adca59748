using NtkRepro.Experiments;
using NtkRepro.Statistics;

namespace NtkRepro.Claims;

/// <summary>
/// One claim of the paper as pre-registered tests: what it says, the statistic, the decision rule
/// (written before any result and never tuned after), the premises of the paper's regime its tests
/// presuppose, the scales where it cannot be tested at all and why, and the tests themselves,
/// computed from a variant's results. A claim is reproduced when every deciding test supports it
/// at 95%; contradicted when one deciding test is significant the other way at 5%/k for its k
/// deciding tests (Holm's first step: the chance of a false contradiction stays at 5% however many
/// tests the claim has); an unmet premise makes it not testable at this scale, an undecided one
/// inconclusive.
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
    Func<ClaimData, IReadOnlyList<TestResult>>? Tests,
    string? NotBuilt = null,
    bool ReadsOtherClaims = false,
    IReadOnlyList<Premise>? Premises = null,
    bool RadiusIndependent = false)
{
    private const double Alpha = 1 - OneSided.Level;

    public ClaimVerdict Evaluate(ReproductionResults results, VariantResults variant)
    {
        IReadOnlyList<PremiseResult> premises = [];
        ClaimVerdict Make(Verdict v, string measured, IReadOnlyList<TestResult>? tests = null) =>
            new(Id, variant.Variant.Name, Statement, PaperFigure, Statistic, Rule, v, measured, tests ?? []) { ReadsOtherClaims = ReadsOtherClaims, Premises = premises };
        if (NotTestable.TryGetValue(results.Scale, out var why)) return Make(Verdict.NotTestable, why);
        if (NotBuilt is not null || Tests is null) return Make(Verdict.NotRun, NotBuilt ?? "not built");
        try
        {
            var data = new ClaimData(results, variant);
            premises = (Premises ?? []).Select(p => p.Measure(data)).ToList();
            if (premises.FirstOrDefault(p => p.Verdict == PremiseVerdict.Unmet) is { } unmet)
                return Make(Verdict.NotTestable, $"premise '{unmet.Premise}' unmet: {unmet.Measured}");
            var tests = Decide(Tests(data));
            var measured = string.Join("; ", tests.Select(Describe)) + DirectionNote(tests);
            if (premises.FirstOrDefault(p => p.Verdict == PremiseVerdict.Undecided) is { } undecided)
                return Make(Verdict.Inconclusive, $"premise '{undecided.Premise}' undecided ({undecided.Measured}); the tests, not deciding: {measured}", tests);
            return Make(VerdictOf(tests), measured, tests);
        }
        catch (SuspectedMaskingException e)
        {
            var setAside = SetAside(results, variant);
            string reading = setAside.Count == 0 ? ""
                : $". Set aside, the worst-case figures would make it {VerdictText.Of(VerdictOf(setAside))}: {string.Join("; ", setAside.Select(Describe))}";
            return Make(Verdict.Inconclusive, "a robust figure it needs may be masked: " + e.Message + reading) with { MaskingSuspected = true, SetAsideTests = setAside };
        }
        catch (NotMeasuredException e)
        {
            return Make(Verdict.NotTestable, e.Message);
        }
        catch (MissingResultException e)
        {
            var waiting = results.Progress.Complete ? "" : $" (waiting for {results.Progress.Waiting.Count} of {results.Progress.StepsTotal} steps)";
            return Make(Verdict.NotRun, e.Message + waiting);
        }
    }

    /// <summary>The verdict of decided tests: the deciding ones only.</summary>
    public static Verdict VerdictOf(IReadOnlyList<TestResult> tests) => VerdictText.From(tests.Where(t => t.Deciding).Select(t => t.Decision));

    /// <summary>
    /// Each test's decision within the claim: supported at p ≤ 0.05, contradicted at p ≤ 0.05/k
    /// against for the k deciding tests. Tests whose decision reads other claims' verdicts (C17) keep it.
    /// </summary>
    private IReadOnlyList<TestResult> Decide(IReadOnlyList<TestResult> tests)
    {
        if (ReadsOtherClaims) return tests;
        int k = Math.Max(1, tests.Count(t => t.Deciding));
        return tests.Select(t => t with
        {
            Decision = t.SupportP <= Alpha ? Decision.Supported : t.AgainstP <= Alpha / k ? Decision.Contradicted : Decision.Undecided,
        }).ToList();
    }

    /// <summary>Every deciding test's estimate lies on the claim's side of 0 (lower bound above 0) although not all clear their margin.</summary>
    private static string DirectionNote(IReadOnlyList<TestResult> tests)
    {
        var deciding = tests.Where(t => t.Deciding).ToList();
        return deciding.Count > 0 && deciding.All(t => t.DirectionHolds) && deciding.Any(t => t.Decision != Decision.Supported)
            ? "; direction reproduced (every lower 95% bound above 0), size below the margin" : "";
    }

    /// <summary>The tests read on the per-image worst-case figures with the suspicion set aside: shown and recorded as figures, never the verdict.</summary>
    private IReadOnlyList<TestResult> SetAside(ReproductionResults results, VariantResults variant)
    {
        try
        {
            using var waived = ClaimData.WaiveMaskingChecks();
            return Decide(Tests!(new ClaimData(results, variant)));
        }
        catch (MissingResultException)
        {
            return [];
        }
    }

    public static string Describe(TestResult t) => $"{t.Name}: {Format.Estimate(t.Estimate, t.Unit)}, {t.Interval}{(t.Deciding ? "" : " (shown, not deciding)")}";
}

/// <summary>
/// Builds the tests of <see cref="ClaimRegistry"/>: one-sided at 95% against a margin, two-sided
/// bands, permutation tests; each with the one-sided p-values for and against the claim, which
/// <see cref="Claim"/> turns into decisions.
/// </summary>
public static class Tests
{
    private const double Level = OneSided.Level;

    public static TestResult Above(string name, Estimate e, double margin, string unit = "")
    {
        var (support, against) = OneSided.AboveP(e, margin);
        return new TestResult(name, e, unit, $"> {Format.Value(margin, unit)}", Raw(support, against),
            e.HasUncertainty ? $"lower 95% bound {Format.Value(e.Lower(Level), unit)}" : "no spread measured",
            e.HasUncertainty ? $"values above {Format.Value(e.Upper(Level), unit)} excluded" : null)
        { SupportP = support, AgainstP = against, DirectionHolds = margin > 0 && e.HasUncertainty && e.Lower(Level) > 0 };
    }

    public static TestResult Below(string name, Estimate e, double margin, string unit = "")
    {
        var (support, against) = OneSided.BelowP(e, margin);
        return new TestResult(name, e, unit, $"< {Format.Value(margin, unit)}", Raw(support, against),
            e.HasUncertainty ? $"upper 95% bound {Format.Value(e.Upper(Level), unit)}" : "no spread measured",
            e.HasUncertainty ? $"values below {Format.Value(e.Lower(Level), unit)} excluded" : null)
        { SupportP = support, AgainstP = against };
    }

    /// <summary>|quantity| &gt; margin, two-sided 95% interval; against the claim when the interval lies inside the band.</summary>
    public static TestResult OutsideBand(string name, Estimate e, double margin, string unit = "")
    {
        double level = 1 - (1 - Level) / 2;
        var (support, against) = OneSided.OutsideBandP(e, margin);
        string interval = e.HasUncertainty ? $"95% interval [{Format.Value(e.Lower(level), unit)}, {Format.Value(e.Upper(level), unit)}]" : "no spread measured";
        return new TestResult(name, e, unit, $"|·| > {Format.Value(margin, unit)}", Raw(support, against), interval,
            e.HasUncertainty ? "values outside that interval excluded" : null) { SupportP = support, AgainstP = against };
    }

    /// <summary>
    /// A permutation test's result as a test: supported when p ≤ 0.05; it cannot contradict. The
    /// estimate carries the statistic's jackknife spread, so a rerun can compare the statistic with
    /// its measured noise; the decision reads only p.
    /// </summary>
    public static TestResult Permutation(string name, DistancePermutationTest.Result r, IReadOnlyList<double> between)
    {
        string interval = $"between {Format.Number(r.Between)} vs within {Format.Number(r.Within)}, one-sided p = {Format.Number(r.PValue)} " +
                          $"(smallest attainable {Format.Number(r.SmallestAttainableP)}, {r.Labellings} relabellings)";
        return new TestResult(name, new Estimate(r.Statistic, r.JackknifeStandardError, r.JackknifeDegreesOfFreedom, between), "", "p ≤ 0.05",
            Raw(r.PValue, 1), interval, r.PValue > 1 - Level ? "within noise at this many replicates" : null) { SupportP = r.PValue, AgainstP = 1 };
    }

    /// <summary>A test that is shown and recorded but does not decide the claim.</summary>
    public static TestResult Shown(TestResult t) => t with { Deciding = false };

    private static Decision Raw(double support, double against) =>
        support <= 1 - Level ? Decision.Supported : against <= 1 - Level ? Decision.Contradicted : Decision.Undecided;
}

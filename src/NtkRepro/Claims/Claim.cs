using NtkRepro.Experiments;
using NtkRepro.Statistics;

namespace NtkRepro.Claims;

/// <summary>
/// One claim of the paper as pre-registered tests: what it says, the statistic, the decision rule
/// (written before any result and never tuned after), the scales where it cannot be tested and
/// why, and the tests themselves, computed from a variant's results.
/// </summary>
/// <param name="ReadsOtherClaims">
/// Its tests are other claims' tests (C17: the 8/255 verdicts of the claims reproduced at 4/255):
/// which ones depends on those verdicts, so they are not recorded as figures of their own.
/// </param>
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
    bool ReadsOtherClaims = false)
{
    public ClaimVerdict Evaluate(ReproductionResults results, VariantResults variant)
    {
        ClaimVerdict Make(Verdict v, string measured, IReadOnlyList<TestResult>? tests = null) =>
            new(Id, variant.Variant.Name, Statement, PaperFigure, Statistic, Rule, v, measured, tests ?? []) { ReadsOtherClaims = ReadsOtherClaims };
        if (NotTestable.TryGetValue(results.Scale, out var why)) return Make(Verdict.NotTestable, why);
        if (NotBuilt is not null || Tests is null) return Make(Verdict.NotRun, NotBuilt ?? "not built");
        try
        {
            var tests = Tests(new ClaimData(results, variant));
            return Make(VerdictText.From(tests.Select(t => t.Decision)), string.Join("; ", tests.Select(Describe)), tests);
        }
        catch (SuspectedMaskingException e)
        {
            var setAside = SetAside(results, variant);
            string reading = setAside.Count == 0 ? ""
                : $". Set aside, the worst-case figures would make it {VerdictText.Of(VerdictText.From(setAside.Select(t => t.Decision)))}: {string.Join("; ", setAside.Select(Describe))}";
            return Make(Verdict.Inconclusive, "a robust figure it needs may be masked: " + e.Message + reading) with { MaskingSuspected = true, SetAsideTests = setAside };
        }
        catch (MissingResultException e)
        {
            var waiting = results.Progress.Complete ? "" : $" (waiting for {results.Progress.Waiting.Count} of {results.Progress.StepsTotal} steps)";
            return Make(Verdict.NotRun, e.Message + waiting);
        }
    }

    /// <summary>The tests read on the per-image worst-case figures with the suspicion set aside: shown and recorded as figures, never the verdict.</summary>
    private IReadOnlyList<TestResult> SetAside(ReproductionResults results, VariantResults variant)
    {
        try
        {
            using var waived = ClaimData.WaiveMaskingChecks();
            return Tests!(new ClaimData(results, variant));
        }
        catch (MissingResultException)
        {
            return [];
        }
    }

    public static string Describe(TestResult t) => $"{t.Name}: {Format.Estimate(t.Estimate, t.Unit)}, {t.Interval}";
}

/// <summary>Builds the tests of <see cref="ClaimRegistry"/>: one-sided at 95% against a margin, two-sided bands, permutation tests.</summary>
public static class Tests
{
    private const double Level = OneSided.Level;

    public static TestResult Above(string name, Estimate e, double margin, string unit = "") =>
        new(name, e, unit, $"> {Format.Value(margin, unit)}", OneSided.Above(e, margin),
            e.HasUncertainty ? $"lower 95% bound {Format.Value(e.Lower(Level), unit)}" : "no spread measured",
            e.HasUncertainty ? $"values above {Format.Value(e.Upper(Level), unit)} excluded" : null);

    public static TestResult Below(string name, Estimate e, double margin, string unit = "") =>
        new(name, e, unit, $"< {Format.Value(margin, unit)}", OneSided.Below(e, margin),
            e.HasUncertainty ? $"upper 95% bound {Format.Value(e.Upper(Level), unit)}" : "no spread measured",
            e.HasUncertainty ? $"values below {Format.Value(e.Lower(Level), unit)} excluded" : null);

    /// <summary>|quantity| &gt; margin, two-sided 95% interval; contradicted when the interval lies inside the band.</summary>
    public static TestResult OutsideBand(string name, Estimate e, double margin, string unit = "")
    {
        double level = 1 - (1 - Level) / 2;
        string interval = e.HasUncertainty ? $"95% interval [{Format.Value(e.Lower(level), unit)}, {Format.Value(e.Upper(level), unit)}]" : "no spread measured";
        return new(name, e, unit, $"|·| > {Format.Value(margin, unit)}", OneSided.OutsideBand(e, margin), interval, e.HasUncertainty ? $"values outside that interval excluded" : null);
    }

    /// <summary>
    /// A permutation test's result as a test: supported when p ≤ 0.05; it cannot contradict. The
    /// estimate carries the statistic's jackknife spread, so a rerun can compare the statistic with
    /// its measured noise; the decision reads only p.
    /// </summary>
    public static TestResult Permutation(string name, DistancePermutationTest.Result r, IReadOnlyList<double> between)
    {
        var decision = r.PValue <= 1 - Level ? Decision.Supported : Decision.Undecided;
        string interval = $"between {Format.Number(r.Between)} vs within {Format.Number(r.Within)}, one-sided p = {Format.Number(r.PValue)} " +
                          $"(smallest attainable {Format.Number(r.SmallestAttainableP)}, {r.Labellings} relabellings)";
        return new(name, new Estimate(r.Statistic, r.JackknifeStandardError, r.JackknifeDegreesOfFreedom, between), "", "p ≤ 0.05", decision, interval,
            decision == Decision.Undecided && r.SmallestAttainableP > 1 - Level ? "too few replicates for this test to reach p ≤ 0.05" : null);
    }
}

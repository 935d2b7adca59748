using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// The verdict rule of the statistical mode. A verdict that changed fails, unless every test whose
/// decision changed lies, in both runs, within <see cref="NearThreshold"/> standard errors of a
/// decision threshold (support at 5%, contradiction at 5%/k): then the claim is borderline at this
/// scale and the change is reported, not failed. So an erased effect (a statistic far above its
/// threshold in the baseline) fails even when every figure stays within tolerance. A verdict that
/// moves to or from "not run" or "not testable" fails (a step or a premise changed), and
/// reproduced ↔ contradicted always fails. A masking suspicion that differs with every test
/// deciding the same way is borderline.
/// </summary>
public static class VerdictChanges
{
    /// <summary>"Within its measured uncertainty": the statistic within two of its standard errors of the threshold.</summary>
    public const double NearThreshold = 2.0;

    public static string Text(VerdictEntry v) => VerdictText.Of(v.Verdict) + (v.MaskingSuspected ? " (masking suspected)" : "");

    /// <summary>A verdict's row name in the comparison table.</summary>
    public static string Name(VerdictEntry v) => $"verdict {v.Id} ({v.Variant})";

    /// <summary>Verdicts present on both sides, by claim and variant (those on one side only are <see cref="SnapshotComparison"/>'s rows).</summary>
    public static IEnumerable<(VerdictEntry Old, VerdictEntry New)> Matched(FigureSet baseline, FigureSet received)
    {
        var old = baseline.Verdicts.ToDictionary(v => (v.Id, v.Variant));
        foreach (var v in received.Verdicts)
            if (old.TryGetValue((v.Id, v.Variant), out var o)) yield return (o, v);
    }

    public static IReadOnlyList<ComparisonRow> Compare(FigureSet baseline, FigureSet received)
    {
        var oldDof = baseline.Figures.ToDictionary(f => f.Name, f => f.DegreesOfFreedom);
        var newDof = received.Figures.ToDictionary(f => f.Name, f => f.DegreesOfFreedom);
        var rows = new List<ComparisonRow>();
        var readingOthers = new List<(VerdictEntry Old, VerdictEntry New)>();
        var matched = Matched(baseline, received).ToList();
        foreach (var (o, v) in matched)
        {
            if (o.Verdict == v.Verdict && o.MaskingSuspected == v.MaskingSuspected) continue;
            if (ReadsOtherClaims(o) && ReadsOtherClaims(v) && v.Verdict is not (Verdict.NotRun or Verdict.NotTestable or Verdict.OutOfScope)) { readingOthers.Add((o, v)); continue; }
            var (fails, why) = Judge(o, v, oldDof, newDof);
            rows.Add(new(Name(v), Text(o), Text(v), "", why, Check.Verdict, fails));
        }
        // A claim that reads other claims' verdicts follows them: its change is borderline when theirs are, and fails otherwise
        // (a verdict on one side only is a failure of its own).
        bool allMatched = matched.Count == baseline.Verdicts.Count && matched.Count == received.Verdicts.Count;
        bool othersBorderline = allMatched && rows.Count > 0 && rows.All(r => !r.Fails);
        foreach (var (o, v) in readingOthers)
            rows.Add(new(Name(v), Text(o), Text(v), "",
                othersBorderline ? "borderline: it reads other claims, whose changes are all borderline" : "it reads other claims, and no borderline change of theirs explains it",
                Check.Verdict, !othersBorderline));
        return rows;
    }

    /// <summary>A claim whose statistics are other claims' (C17): it records their figures and no test of its own.</summary>
    private static bool ReadsOtherClaims(VerdictEntry v) => v.Tests.Count == 0 && v.Figures.Count > 0;

    private static (bool Fails, string Why) Judge(VerdictEntry o, VerdictEntry v, IReadOnlyDictionary<string, double> oldDof, IReadOnlyDictionary<string, double> newDof)
    {
        if ((o.Verdict, v.Verdict) is (Verdict.Reproduced, Verdict.Contradicted) or (Verdict.Contradicted, Verdict.Reproduced))
            return (true, "verdicts must not flip");
        if (o.Verdict is Verdict.NotRun or Verdict.NotTestable or Verdict.OutOfScope || v.Verdict is Verdict.NotRun or Verdict.NotTestable or Verdict.OutOfScope)
            return (true, o.Verdict == Verdict.NotRun || v.Verdict == Verdict.NotRun ? "a step ran on one side only" : "a premise decided differently");
        var before = o.Tests.ToDictionary(t => t.Figure);
        var changed = v.Tests.Where(t => before.TryGetValue(t.Figure, out var b) && b.Decision != t.Decision).ToList();
        if (v.Tests.Any(t => !before.ContainsKey(t.Figure)) || o.Tests.Any(t => v.Tests.All(x => x.Figure != t.Figure)))
            return (true, "its tests differ");
        if (changed.Count == 0)
            return o.MaskingSuspected != v.MaskingSuspected
                ? (false, "borderline: only the masking suspicion differs, every test decides the same way")
                : (true, "the verdict changed with no test deciding differently");
        var far = changed.Where(t => !Near(before[t.Figure], oldDof.GetValueOrDefault(t.Figure)) || !Near(t, newDof.GetValueOrDefault(t.Figure))).ToList();
        return far.Count == 0
            ? (false, $"borderline: {changed.Count} test(s) changed decision, each within {NearThreshold} SE of its threshold in both runs")
            : (true, $"{string.Join(", ", far.Select(t => t.Figure[(t.Figure.LastIndexOf('.') + 1)..]))} changed decision away from its threshold (an effect that moved, not noise at the threshold)");
    }

    /// <summary>
    /// Whether a test's statistic lies within <see cref="NearThreshold"/> standard errors of the
    /// support or the contradiction threshold: its t is recovered from its one-sided p-values and
    /// degrees of freedom, and the thresholds are the t at 5% and at 5%/k.
    /// </summary>
    public static bool Near(TestEntry t, double dof)
    {
        if (!(dof > 0)) return false;
        double support = TOf(t.SupportP, dof), against = TOf(t.AgainstP, dof);
        bool nearSupport = double.IsFinite(support) && Math.Abs(support - StudentT.Quantile(OneSided.Level, dof)) <= NearThreshold;
        bool nearAgainst = double.IsFinite(against) && Math.Abs(against - StudentT.Quantile(1 - t.ContradictionLevel, dof)) <= NearThreshold;
        return nearSupport || nearAgainst;
    }

    private static double TOf(double p, double dof) =>
        p is <= 0 or >= 1 ? double.NaN : StudentT.Quantile(1 - p, dof);
}

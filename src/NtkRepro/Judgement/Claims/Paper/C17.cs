using NtkRepro.Numerics.Statistics;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C17
{
    public static readonly Claim Claim = new(
        Id: "C17",
        Where: "§9, appendix",
        Statement: "The results hold at ε = 8/255",
        PaperFigure: "—",
        Statistic: "every claim reproduced at 4/255 whose figures depend on the radius (C14's do not), judged again on the 8/255 variant of the same dataset (its own tests and figures there)",
        Rule: "reproduced when every one compared is reproduced at 8/255 too and none could not be compared; " +
            "contradicted when one is contradicted there with its p-value below 0.05/J for the J claims compared (Bonferroni across them); " +
            "below the margin when one falls short of its size there; otherwise inconclusive. Claims out of scope at 8/255 or independent " +
            "of the radius are left out and named; those masked, not testable or not run there are named and keep C17 from reading 'reproduced'",
        NotTestable: NotAt(),
        Tests: d => HoldsAtLargerRadius(d),
        ReadsOtherClaims: true);

    /// <summary>
    /// C17's rows: one per claim reproduced at 4/255 (its 8/255 verdict, decided across the J claims
    /// compared), and one per claim that could not be compared, naming why. A claim's state
    /// at 8/255 never makes it not run: only a missing 8/255 variant or a missing 4/255 verdict do.
    /// </summary>
    private static Needed<IReadOnlyList<TestResult>> HoldsAtLargerRadius(ClaimData d)
    {
        var v = d.Variant.Variant;
        if (v.Epsilon255 != 4) return Gap.Missing("C17 is judged on the ε = 4/255 variant, against the 8/255 one");
        var at8 = d.Results.Variants.FirstOrDefault(x => x.Variant == v with { Epsilon255 = 8 });
        if (at8 is null) return Gap.Missing("this preset runs no ε = 8/255 variant");
        var at4 = ClaimRegistry.All.Where(c => c.Id != "C17").Select(c => (Claim: c, At4: c.Evaluate(d.Results, d.Variant))).ToList();
        if (!d.Results.Progress.Complete && at4.Any(x => x.At4.Verdict == Verdict.NotRun))
            return Gap.Missing($"{string.Join(", ", at4.Where(x => x.At4.Verdict == Verdict.NotRun).Select(x => x.Claim.Id))} not run yet at 4/255");
        var reproduced = at4.Where(x => x.At4.Verdict == Verdict.Reproduced).ToList();
        var rows = new List<TestResult>();
        TestResult Row(string name, Decision decision, string interval, Estimate? e = null, string unit = "") =>
            new(name, e ?? new Estimate(double.NaN, double.NaN, 0, []), unit, "reproduced at 8/255", decision, interval) { ReplicateBased = false };
        foreach (var x in reproduced.Where(x => x.Claim.RadiusIndependent))
            rows.Add(Shown(Row($"{x.Claim.Id}: left out", Decision.Undecided, "independent of the radius")));
        var candidates = reproduced.Where(x => !x.Claim.RadiusIndependent).Select(x => (x.Claim, At8: x.Claim.Evaluate(d.Results, at8))).ToList();
        foreach (var (c, at) in candidates.Where(x => x.At8.Verdict == Verdict.OutOfScope))
            rows.Add(Shown(Row($"{c.Id}: left out", Decision.Undecided, at.Measured)));
        var compared = candidates.Where(x => VerdictText.IsJudged(x.At8.Verdict) && !x.At8.MaskingSuspected).ToList();
        int j = Math.Max(1, compared.Count);
        foreach (var (c, at) in compared)
        {
            var decision = at.Verdict switch
            {
                Verdict.Reproduced => Decision.Supported,
                Verdict.Contradicted when at.FamilyP is { } p && p <= (1 - OneSided.Level) / j => Decision.Contradicted,
                Verdict.BelowMargin => Decision.ShortOfMargin,
                _ => Decision.Undecided,
            };
            string note = at.Verdict == Verdict.Contradicted && decision != Decision.Contradicted ? $", not below 0.05/{j} across the claims compared" : "";
            foreach (var t in at.Tests.Where(t => t.Deciding))
                rows.Add(Row($"{c.Id} at 8/255: {t.Name}", decision, $"{c.Id} {VerdictText.Of(at.Verdict)} at 8/255{note} ({t.Interval})", t.Estimate, t.Unit));
        }
        foreach (var (c, at) in candidates.Where(x => x.At8.Verdict != Verdict.OutOfScope && !compared.Contains(x)))
            rows.Add(Row($"{c.Id}: not compared", Decision.Undecided,
                at.MaskingSuspected ? "masking suspected at 8/255" : $"{VerdictText.Of(at.Verdict)} at 8/255: {at.Measured}"));
        if (!rows.Any(r => r.Deciding))
            return Gap.NotTestable(reproduced.Count == 0
                ? "no claim is reproduced at 4/255, so there is nothing to hold at 8/255"
                : $"none of the claims reproduced at 4/255 can be compared at 8/255: {string.Join("; ", rows.Select(r => $"{r.Name} ({r.Interval})"))}");
        return rows;
    }
}

using System.Text;

namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// The outcome of comparing a received snapshot with its baseline: every flagged row, the mode and
/// why, and a summary. <paramref name="FiguresNotCompared"/> counts the figures both sides have that
/// the statistical mode cannot judge (a cross-run distance whose baseline has fewer than three runs).
/// </summary>
public sealed record ComparisonReport(string Preset, ComparisonMode Mode, string ModeReason, Fingerprint? BaselineFingerprint, Fingerprint? ReceivedFingerprint,
    IReadOnlyList<ComparisonRow> Rows, int FiguresCompared, int FiguresNotCompared, int VerdictsCompared, int Families)
{
    public bool Matches => Rows.All(r => !r.Fails);

    public IReadOnlyList<ComparisonRow> Failures => Rows.Where(r => r.Fails).ToList();

    public string Summary()
    {
        int figures = Rows.Count(r => r.Fails && r.FlaggedBy is Check.Figure or Check.Exact);
        int families = Rows.Count(r => r.Fails && r.FlaggedBy == Check.Family);
        int presence = Rows.Count(r => r.FlaggedBy == Check.Presence);
        int verdicts = Rows.Count(r => r.Fails && r.FlaggedBy == Check.Verdict);
        int borderline = Rows.Count(r => !r.Fails);
        string scope = Mode == ComparisonMode.Exact
            ? $"{FiguresCompared} figures and {VerdictsCompared} verdicts compared bit for bit"
            : $"{FiguresCompared} figures in {Families} families and {VerdictsCompared} verdicts compared with the baseline's noise" +
              (FiguresNotCompared > 0 ? $" ({FiguresNotCompared} cross-run distance(s) of fewer than three runs not compared: the baseline measures no noise for them)" : "");
        return $"preset '{Preset}', {Mode.ToString().ToLowerInvariant()} mode ({ModeReason}): {scope}; " +
               $"{figures} figure(s) differ, {families} famil{(families == 1 ? "y" : "ies")} shifted, {presence} figure(s) on one side only, " +
               $"{verdicts} verdict change(s) fail, {borderline} borderline: {(Matches ? "MATCH" : "MISMATCH")}";
    }

    /// <summary>The readable table: fingerprints, then one line per flagged row, then the summary.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"baseline fingerprint: {BaselineFingerprint?.ToString() ?? "none"}");
        sb.AppendLine($"received fingerprint: {ReceivedFingerprint?.ToString() ?? "none"}");
        if (Rows.Count > 0)
        {
            int w = Math.Max(40, Rows.Max(r => r.Name.Length));
            sb.AppendLine($"{"figure, family or verdict".PadRight(w)}  {"baseline",-24} {"received",-24} {"difference",-12} {"tolerance",-36} flagged by");
            foreach (var r in Rows)
                sb.AppendLine($"{r.Name.PadRight(w)}  {r.Baseline,-24} {r.Received,-24} {r.Difference,-12} {r.Tolerance,-36} {Flag(r.FlaggedBy)}{(r.Fails ? "" : " (borderline, not a failure)")}");
        }
        sb.Append(Summary());
        return sb.ToString();
    }

    private static string Flag(Check c) => c switch
    {
        Check.Exact => "exact check",
        Check.Figure => "per-figure test",
        Check.Family => "family omnibus test",
        Check.Presence => "figure set",
        _ => "verdict rule",
    };
}

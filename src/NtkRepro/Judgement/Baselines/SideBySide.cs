using System.Text;

namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// Every figure two snapshots share, side by side, as a Markdown table: the two values, their
/// difference and that difference in units of the two standard errors combined. What a person
/// reads to see how a GPU run of a preset compares with the CPU's, figure by figure; the verdict on
/// whether they match is <see cref="SnapshotComparison"/>'s.
/// </summary>
public static class SideBySide
{
    public static string Markdown(FigureSet left, FigureSet right, string leftLabel, string rightLabel)
    {
        var rightByName = right.Figures.ToDictionary(f => f.Name);
        var shared = left.Figures.Where(f => rightByName.ContainsKey(f.Name)).ToList();
        var sb = new StringBuilder();
        sb.AppendLine($"| figure | {leftLabel} | {rightLabel} | difference | difference / combined SE |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var a in shared)
        {
            var b = rightByName[a.Name];
            double diff = b.Mean - a.Mean;
            double se = Math.Sqrt(Square(a.StandardError) + Square(b.StandardError));
            string z = double.IsFinite(se) && se > 0 ? SnapshotComparison.N(diff / se) : "—";
            sb.AppendLine($"| {a.Name} | {SnapshotComparison.Show(a)} | {SnapshotComparison.Show(b)} | {SnapshotComparison.N(diff)} | {z} |");
        }
        int onlyLeft = left.Figures.Count - shared.Count, onlyRight = right.Figures.Count - shared.Count;
        sb.AppendLine();
        sb.AppendLine($"{shared.Count} figures in both; {onlyLeft} only in {leftLabel}, {onlyRight} only in {rightLabel}.");
        return sb.ToString();
    }

    private static double Square(double x) => double.IsFinite(x) ? x * x : double.NaN;
}

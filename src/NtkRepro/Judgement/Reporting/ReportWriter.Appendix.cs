using System.Text;
using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Reporting;

public static partial class ReportWriter
{
    private static void TimingSection(StringBuilder md, ReproductionResults r)
    {
        if (r.Timings.Count == 0) return;
        md.AppendLine("## Step timings");
        md.AppendLine();
        md.AppendLine("Seconds each kind of step took when it was computed, summed over variants and replicates " +
            $"({r.Timings.Count} steps, {r.Timings.Count(t => t.Cached)} reused by the last invocation).");
        md.AppendLine();
        md.AppendLine("| step kind | steps | seconds | slowest step |");
        md.AppendLine("|---|---:|---:|---|");
        foreach (var g in r.Timings.GroupBy(t => t.Kind ?? "unknown").OrderByDescending(g => g.Sum(t => t.Seconds)))
        {
            var slowest = g.MaxBy(t => t.Seconds)!;
            md.AppendLine($"| {g.Key} | {g.Count()} | {g.Sum(t => t.Seconds):F0} | {Cell(slowest.Step)} ({slowest.Seconds:F0} s) |");
        }
        md.AppendLine($"| **total** | {r.Timings.Count} | {r.TotalSeconds:F0} | |");
        md.AppendLine();
    }

    private static void AppendixSection(StringBuilder md, ReproductionResults r)
    {
        var figures = FigureSet.From(r, []).Figures.Where(f => f.Kind != FigureKind.Statistic && !f.Name.Contains(".kernel@") && !f.Name.Contains(".velocity@")).ToList();
        if (figures.Count == 0) return;
        md.AppendLine("## Appendix: per-replicate values");
        md.AppendLine();
        md.AppendLine("Every figure above that is not a kernel curve, replicate by replicate (kernel curves per replicate are in each run's " +
            "`kernels/*/metrics.json`; accuracies in each evaluation's JSON, with per-image results).");
        md.AppendLine();
        int n = figures.Max(f => f.PerReplicate.Count);
        md.AppendLine($"| figure | {string.Join(" | ", Enumerable.Range(0, n).Select(i => $"r{i}"))} |");
        md.AppendLine($"|---|{string.Concat(Enumerable.Repeat("---:|", n))}");
        foreach (var f in figures)
            md.AppendLine($"| {Cell(f.Name)} | {string.Join(" | ", Enumerable.Range(0, n).Select(i => i < f.PerReplicate.Count
                ? (f.Kind == FigureKind.Accuracy ? Format.Percent(f.PerReplicate[i]) : Format.Number(f.PerReplicate[i]))
                : ""))} |");
        md.AppendLine();
    }
}

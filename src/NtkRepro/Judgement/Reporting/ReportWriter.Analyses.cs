using System.Text;
using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Reporting;

public static partial class ReportWriter
{
    /// <summary>Each per-run analysis (<see cref="StepKinds.PerRun"/>) as a table: its figures by schedule, mean ± SE over replicates.</summary>
    private static void AnalysesSection(StringBuilder md, VariantResults v)
    {
        foreach (var analysis in (v.RunMeasures ?? []).GroupBy(m => m.Analysis))
        {
            var schedules = analysis.Select(m => m.Schedule).Distinct().Order().ToList();
            string title = StepKinds.PerRun.FirstOrDefault(a => a.Name == analysis.Key)?.Describes ?? analysis.Key;
            md.AppendLine($"## Per-run analysis: {title}");
            md.AppendLine();
            md.AppendLine($"| figure | {string.Join(" | ", schedules.Select(Schedule.Name))} |");
            md.AppendLine($"|---|{string.Concat(schedules.Select(_ => "---|"))}");
            foreach (var figure in analysis.GroupBy(m => m.Figure))
            {
                string Measured(ScheduleKind s)
                {
                    var values = figure.Where(m => m.Schedule == s).OrderBy(m => m.Replicate).Select(m => m.Value).ToList();
                    return values.Count == 0 ? "—" : Format.Estimate(Estimate.FromReplicates(values), "");
                }
                md.AppendLine($"| {figure.Key} | {string.Join(" | ", schedules.Select(Measured))} |");
            }
            md.AppendLine();
        }
    }
}

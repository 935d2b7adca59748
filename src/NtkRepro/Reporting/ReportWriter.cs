using NtkRepro.Claims;
using NtkRepro.Experiments;
using NtkRepro.Util;

namespace NtkRepro.Reporting;

/// <summary>The claim-by-claim reproduction report (placeholder: the verdict table).</summary>
public static class ReportWriter
{
    public static string Write(ReproductionResults results, IReadOnlyList<ClaimVerdict> verdicts, string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "README.md");
        var lines = new List<string> { $"# Reproduction report: {results.Preset}", "", "| id | verdict | measured |", "|---|---|---|" };
        lines.AddRange(verdicts.Select(v => $"| {v.Id} | {v.Status} | {v.Measured} |"));
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }
}

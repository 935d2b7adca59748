using System.CommandLine;
using NtkRepro.Claims;
using NtkRepro.Experiments;
using NtkRepro.Reporting;
using NtkRepro.Util;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro report</c>: the Markdown + PNG report of a finished reproduction.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Whose results: reads runs/<preset>/results.json", DefaultValueFactory = _ => "mini" };
        var results = new Option<string?>("--results") { Description = "A results.json to report on (instead of --preset's)" };
        var output = new Option<string?>("--out") { Description = "Report folder (default: the results' report/ folder; the committed one is docs/reproduction)" };
        var command = new Command("report", "Write the claim-by-claim reproduction report (Markdown and PNG plots) from a reproduction's results") { preset, results, output };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var path = parse.GetValue(results) ?? Path.Combine(ArtifactsFolder.Default(parse.GetValue(preset)!), "results.json");
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path}: no results yet; run 'ntkrepro reproduce --preset {parse.GetValue(preset)}' first");
            var r = Json.Read<ReproductionResults>(path);
            var verdicts = ClaimRegistry.Evaluate(r);
            var folder = parse.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "report");
            var report = ReportWriter.Write(r, verdicts, folder);
            var writer = parse.InvocationConfiguration.Output;
            foreach (var v in verdicts) writer.WriteLine($"{v.Id,-4} {v.Status,-15} {v.Measured}");
            writer.WriteLine($"report: {report}");
            return 0;
        }));
        return command;
    }
}

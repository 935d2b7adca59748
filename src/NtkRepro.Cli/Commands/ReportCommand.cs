using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Judgement.Reporting;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro report</c>: the Markdown + PNG report of whatever a store holds (a partial store gives `not run` claims; an empty folder is refused, as a wrong path).</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var plan = new PlanOptions();
        var results = new Option<string?>("--results") { Description = "Render this results.json instead of collecting a store" };
        var output = new Option<string?>("--report-dir") { Description = "Report folder (default: the store's report/; the committed one is docs/reproduction)" };
        var command = new Command("report", "Collect a preset's artifact store (complete or not) and write the claim-by-claim report (Markdown and PNG plots)");
        plan.AddTo(command);
        command.Options.Add(results);
        command.Options.Add(output);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var writer = parse.InvocationConfiguration.Output;
            return ProgressConsole.Run(writer, progress =>
            {
                ReproductionReport.Written written;
                if (parse.GetValue(results) is { } path)
                {
                    if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such results file");
                    written = ReproductionReport.Render(Json.Read<ReproductionResults>(path),
                        parse.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "report"));
                }
                else
                {
                    var thePlan = plan.Plan(parse);
                    var store = plan.StoreFor(parse, thePlan);
                    if (!Directory.Exists(store.Root))
                        throw new DirectoryNotFoundException($"{store.Root}: no artifact store yet; run 'ntkrepro reproduce --preset {thePlan.Preset.Name}' or steps of 'ntkrepro plan' first");
                    if (!Directory.EnumerateFileSystemEntries(store.Root).Any())
                        throw new InvalidDataException($"--store {store.Root}: an empty folder, no step of preset '{thePlan.Preset.Name}' in it; " +
                            $"run 'ntkrepro reproduce --preset {thePlan.Preset.Name}' first");
                    written = ReproductionReport.Write(thePlan, store, folder: parse.GetValue(output));
                }
                ReproductionReport.Log(written, progress);
                return ExitCode.Success;
            });
        }));
        return command;
    }
}

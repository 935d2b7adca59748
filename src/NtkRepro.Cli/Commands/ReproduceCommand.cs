using System.CommandLine;
using NtkRepro.Claims;
using NtkRepro.Cli.Terminal;
using NtkRepro.Data;
using NtkRepro.Experiments;
using NtkRepro.Reporting;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro reproduce</c>: a whole preset end to end, then its claim-by-claim report.</summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var preset = new Option<string?>("--preset")
        {
            Description = $"Scale: {string.Join(", ", Presets.All.Select(p => p.Name))} (default: mini where CIFAR-10 is found, else smoke on synthetic data)",
        };
        var output = new Option<string?>("--out") { Description = "Artifacts folder (default: runs/<preset> in the repository)" };
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("reproduce", "Run a preset end to end (cached and resumable: rerun to continue) and write its reproduction report")
        {
            preset, output, data, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var writer = parse.InvocationConfiguration.Output;
            var chosen = ChoosePreset(parse.GetValue(preset), parse.GetValue(data), writer);
            var outDir = parse.GetValue(output) ?? ArtifactsFolder.Default(chosen.Name);
            writer.WriteLine($"preset {chosen.Name}: {chosen.Summary}");
            writer.WriteLine($"artifacts: {Path.GetFullPath(outDir)}");
            return ProgressConsole.Run(writer, progress =>
            {
                var results = new ReproductionRunner(chosen, outDir, dev, progress).Run(parse.GetValue(data));
                var verdicts = ClaimRegistry.Evaluate(results);
                var report = ReportWriter.Write(results, verdicts, Path.Combine(outDir, "report"));
                progress.Log("");
                foreach (var v in verdicts) progress.Log($"{v.Id,-4} {v.Status,-15} {v.Measured}");
                progress.Log($"report: {report}");
                return 0;
            });
        }));
        return command;
    }

    private static Preset ChoosePreset(string? name, string? dataOption, TextWriter writer)
    {
        if (name != null) return Presets.Get(name);
        var root = DataRoot.Resolve(dataOption);
        if (root != null && CifarSource.Find(root.Path, CifarSource.Cifar10) != null) return Presets.Mini;
        writer.WriteLine("no CIFAR-10 found (" + (root == null ? "no data root" : $"data root {root.Path}") +
                         "): running the smoke preset on SYNTHETIC data, which checks the pipeline and no claim.");
        return Presets.Smoke;
    }
}

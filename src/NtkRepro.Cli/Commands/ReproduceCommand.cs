using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Data;
using NtkRepro.Experiments;
using NtkRepro.Native;
using NtkRepro.Reporting;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro reproduce</c>: a whole preset's plan in this process, then its claim-by-claim report.</summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var plan = new PlanOptions();
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("reproduce", "Run a preset's whole plan in this process (cached and resumable: rerun to continue) and write its reproduction report");
        plan.AddTo(command);
        foreach (var o in new Option[] { data, device, threads }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var writer = parse.InvocationConfiguration.Output;
            var thePlan = plan.Plan(parse, DefaultPreset(parse.GetValue(plan.Preset), parse.GetValue(data), writer));
            var store = plan.StoreFor(parse, thePlan);
            writer.WriteLine($"preset {thePlan.Preset.Name}: {thePlan.Preset.Summary}");
            writer.WriteLine($"plan: {thePlan.Steps.Count} steps in {thePlan.Waves.Count} waves; artifact store {store.Root}");
            writer.WriteLine($"machine: {MachineDescription.Describe(dev)}");
            return ProgressConsole.Run(writer, progress =>
                ChecksOutcome.ExitCode(Reproduction.Run(thePlan, store, dev, progress, parse.GetValue(data)).Failed, progress));
        }));
        return command;
    }

    /// <summary>mini where CIFAR-10 is found, otherwise smoke on synthetic data (said so).</summary>
    private static Preset? DefaultPreset(string? name, string? dataOption, TextWriter writer)
    {
        if (name != null) return null;
        var root = DataRoot.Resolve(dataOption);
        if (root != null && CifarSource.Find(root.Path, CifarSource.Cifar10) != null) return Presets.Mini;
        writer.WriteLine("no CIFAR-10 found (" + (root == null ? "no data root" : $"data root {root.Path}") +
                         "): running the smoke preset on SYNTHETIC data, which checks the pipeline and tests no claim.");
        return Presets.Smoke;
    }
}

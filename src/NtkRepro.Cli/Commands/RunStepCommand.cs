using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Judgement.Reporting;
using NtkRepro.Pipeline.Experiments;

namespace NtkRepro.Cli.Commands;

/// <summary>
/// <c>ntkrepro run-step</c>: runs steps of a plan by key, in the order given, against a store:
/// what each job of a scheduler (GitHub Actions matrix, Slurm array) calls. Idempotent and
/// resumable; refuses a step whose dependencies have not run, naming them.
/// </summary>
public static class RunStepCommand
{
    public static Command Create()
    {
        var keys = new Argument<string[]>("keys") { Description = "Step keys, as 'ntkrepro plan' prints them (several run in order)", Arity = ArgumentArity.OneOrMore };
        var plan = new PlanOptions();
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var manifest = new Option<string?>("--manifest") { Description = "Append the store folders these steps use (relative, one per line) to this file, e.g. to pack them for the next wave" };
        var command = new Command("run-step", "Run steps of a preset's plan by key against an artifact store (for schedulers; see 'ntkrepro plan')") { keys };
        plan.AddTo(command);
        foreach (var o in new Option[] { data, device, threads, manifest }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            // One libtorch thread unless told otherwise, as reproduce's workers: a step's bits then do not depend on the machine's size.
            var thePlan = plan.Plan(parse);
            var steps = parse.GetValue(keys)!.Select(thePlan.Step).ToList();
            var store = plan.StoreFor(parse, thePlan);
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads) ?? 1);
            if (parse.GetValue(manifest) is { } list)
                File.AppendAllLines(list, steps.Where(s => !ReportStep.All.Of(s).Summarizes).SelectMany(s => new[] { s.Folder, ArtifactStore.TimingFile(s.Key) }).Distinct());
            return ProgressConsole.Run(parse.InvocationConfiguration.Output, progress =>
            {
                using var executor = new StepExecutor(thePlan, store, dev, progress, parse.GetValue(data), ReportStep.All);
                foreach (var step in steps) executor.Run(step);
                return ChecksOutcome.ExitCode(executor.Failed, progress);
            });
        }));
        return command;
    }
}

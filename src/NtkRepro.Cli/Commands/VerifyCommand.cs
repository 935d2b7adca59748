using System.CommandLine;
using NtkRepro.Judgement.Reporting;
using NtkRepro.Pipeline.Experiments;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro verify</c>: a store against what its steps wrote (sizes and SHA-256 of every file).</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var plan = new PlanOptions();
        var command = new Command("verify", "Check a store against its steps' manifests (every file rehashed): name each missing, changed or unexpected file; exit 1 if any");
        plan.AddTo(command);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var thePlan = plan.Plan(parse);
            var store = plan.StoreFor(parse, thePlan);
            if (!Directory.Exists(store.Root)) throw new DirectoryNotFoundException($"{store.Root}: no artifact store there");
            var result = StoreVerification.Of(thePlan, store, ReportStep.All);
            var output = parse.InvocationConfiguration.Output;
            foreach (var b in result.Bad) output.WriteLine($"bad: {b}");
            foreach (var u in result.Unexpected) output.WriteLine($"unexpected: {u} (no step recorded writing it)");
            if (result.Unrecorded.Count > 0)
                output.WriteLine($"{result.Unrecorded.Count} finished step(s) have no manifest (written before manifests existed), " +
                    $"e.g. {string.Join(", ", result.Unrecorded.Take(3))}; their files and stray files are not checked");
            output.WriteLine($"{store.Root}: {result.Checked} step(s) checked, {result.Bad.Count} bad file(s), {result.Unexpected.Count} unexpected: {(result.Clean ? "OK" : "NOT OK")}");
            return result.Clean ? ExitCode.Success : ExitCode.CheckFailed;
        }));
        return command;
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using NtkRepro.Cli.Commands;

namespace NtkRepro.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args);

    /// <summary>Runs the command line in-process (tests call this too).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        NtkRepro.Numerics.Native.TorchNativeSetup.Ensure(); // before anything touches torch
        var root = new RootCommand(
            "ntkrepro: a reproduction of Loo et al., 'Evolution of Neural Tangent Kernels under Benign and Adversarial Training' (NeurIPS 2022).");
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(NtkCommand.Create());
        root.Subcommands.Add(EigenCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ReproduceCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(RunStepCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(CostsCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        var config = new InvocationConfiguration();
        if (output != null) config.Output = output;
        if (error != null) config.Error = error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per error instead of System.CommandLine's errors-and-help (which exits 1, the code of a failed check).
            foreach (var e in parse.Errors) config.Error.WriteLine($"ntkrepro: error: {e.Message} (see '{CommandPath(parse)} --help')");
            return (int)ExitCode.UsageOrInput;
        }
        return parse.Invoke(config);
    }

    /// <summary>The command the arguments name, as typed: "ntkrepro train stage1".</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r != null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Parent == null ? "ntkrepro" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}

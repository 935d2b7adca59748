using System.CommandLine;
using NtkRepro.Cli.Commands;

namespace NtkRepro.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args);

    /// <summary>Runs the command line in-process (tests call this too).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        NtkRepro.Native.TorchNativeSetup.Ensure(); // before anything touches torch
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
        var config = new InvocationConfiguration();
        if (output != null) config.Output = output;
        if (error != null) config.Error = error;
        return root.Parse(args).Invoke(config);
    }
}

using System.CommandLine;
using NtkRepro.Benchmarks;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro bench</c>: training-step and NTK timings on this machine.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 5, Description = "Timed steps per variant (median reported)" };
        var noResNet = new Option<bool>("--no-resnet") { Description = "Skip the ResNet-18" };
        var resnetWidth = new Option<int>("--resnet-width") { DefaultValueFactory = _ => 16, Description = "ResNet-18 width (64 is standard; 16 on a CPU)" };
        var points = new Option<int>("--ntk-points") { DefaultValueFactory = _ => 500, Description = "NTK points (N)" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Time a standard step, linearized steps (both JVP routes) and the NTK; prints figures")
        {
            steps, noResNet, resnetWidth, points, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var output = parse.InvocationConfiguration.Output;
            var f = StepBenchmark.Run(new StepBenchmark.Options(Steps: parse.GetValue(steps), NtkPoints: parse.GetValue(points),
                IncludeResNet: !parse.GetValue(noResNet), ResNetWidth: parse.GetValue(resnetWidth)), dev, output.WriteLine);
            output.WriteLine();
            output.WriteLine($"device {dev}, {f.Threads} threads, batch 128 (median of {parse.GetValue(steps)} steps)");
            output.WriteLine($"{"model",-36} {"params",10} {"standard",10} {"lin. fast",10} {"ratio",6} {"lin. ref",10} {"ratio",6}");
            foreach (var s in f.Steps)
                output.WriteLine($"{s.Model,-36} {s.Parameters,10:N0} {s.StandardMs,8:F0}ms {s.LinearizedFastMs,8:F0}ms {s.FastRatio,5:F2}x {s.LinearizedReferenceMs,8:F0}ms {s.ReferenceRatio,5:F2}x");
            output.WriteLine($"NTK (class blocks), small CNN, N={f.NtkPoints}, C={f.NtkClasses}: {f.NtkSeconds:F1} s");
            output.WriteLine($"peak working set: {f.PeakWorkingSetBytes / (1024.0 * 1024 * 1024):F2} GiB");
            return 0;
        }));
        return command;
    }
}

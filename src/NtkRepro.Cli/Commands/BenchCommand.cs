using System.CommandLine;
using NtkRepro.Benchmarks;
using NtkRepro.Cli.Terminal;
using NtkRepro.Data;
using NtkRepro.Linearization;
using NtkRepro.Runs;
using NtkRepro.Training;
using NtkRepro.Util;

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
        command.Subcommands.Add(Stage2Routes());
        return command;
    }

    private static Command Stage2Routes()
    {
        var parent = new Option<string>("--parent") { Description = "The parent's stage-1 run folder", Required = true };
        var spawn = new Option<double>("--spawn") { Description = "Spawn epoch (a checkpoint of the parent)", Required = true };
        var dynamics = CommonOptions.Enum("--dynamics", "Child dynamics", Dynamics.Centered);
        var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 3, Description = "Epochs per route, interleaved (median reported)" };
        var featureMemory = new Option<double?>("--feature-memory-gib") { Description = "Memory budget for the Jacobian rows (default: half the available memory)" };
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("stage2", "Time a benign linearized/centered child's epoch on the forward pass and on cached Jacobian rows, and the rows themselves")
        {
            parent, spawn, dynamics, rounds, featureMemory, data, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var output = parse.InvocationConfiguration.Output;
            var parentRun = Path.GetFullPath(parse.GetValue(parent)!);
            var (train, test) = DatasetLoader.Load(RunDirectory.Read<Stage1Config>(parentRun, Stage1.Kind).Config.Data, parse.GetValue(data));
            test.Dispose();
            using (train)
            using (var onDevice = train.To(dev))
                return ProgressConsole.Run(output, progress =>
                {
                    var budget = parse.GetValue(featureMemory) is { } gib ? (long?)(gib * (1L << 30)) : null;
                    var f = Stage2RouteBenchmark.Run(parentRun, parse.GetValue(spawn), onDevice,
                        new Stage2RouteBenchmark.Options(parse.GetValue(dynamics), parse.GetValue(rounds), Cache: new JacobianCacheOptions(budget)), dev, progress);
                    progress.Log($"device {dev}, {f.Threads} threads; {f.Samples} samples x {f.Classes} classes x {f.Parameters:N0} parameters");
                    progress.Log($"features: {MemoryInfo.Format(f.RowBytes)} ({f.Storage}) in {f.FeatureSeconds:F1} s");
                    progress.Log($"epoch, forward pass:    median {f.ForwardPassMedian:F2} s ({string.Join(", ", f.ForwardPassEpochSeconds.Select(s => s.ToString("F2")))})");
                    progress.Log($"epoch, cached Jacobian: median {f.CachedMedian:F2} s ({string.Join(", ", f.CachedEpochSeconds.Select(s => s.ToString("F2")))})");
                    progress.Log($"peak resident memory: {MemoryInfo.Format(f.PeakBeforeFeaturesBytes)} before the features, {MemoryInfo.Format(f.PeakBytes)} in all");
                    return 0;
                });
        }));
        return command;
    }
}

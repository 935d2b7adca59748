using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Benchmarks;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro bench</c>: training-step, attack and NTK timings on this machine, optionally against PyTorch.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var d = new StepBenchmark.Options();
        var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => d.Rounds, Description = "Timed rounds: every variant is timed once per round, variants alternating" }.AtLeast(1);
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => d.Warmup, Description = "Untimed steps per variant before the rounds" }.AtLeast(0);
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => d.Batch, Description = "Batch size of the steps" }.AtLeast(1);
        var width = new Option<int>("--width") { DefaultValueFactory = _ => d.Width, Description = "Small CNN width (16: the mini preset's)" }.AtLeast(1);
        var noResNet = new Option<bool>("--no-resnet") { Description = "Skip the ResNet-18" };
        var resnetWidth = new Option<int>("--resnet-width") { DefaultValueFactory = _ => d.ResNetWidth, Description = "ResNet-18 width (64 is standard; 16 on a CPU)" }.AtLeast(1);
        var points = new Option<int>("--ntk-points") { DefaultValueFactory = _ => d.NtkPoints, Description = "NTK points N (0: no NTK)" }.AtLeast(0);
        var consecutive = new Option<int>("--consecutive")
        {
            DefaultValueFactory = _ => d.Consecutive,
            Description = "Steps of a training or PGD variant run back to back per round, each timed " +
                "(1: every step cold, after the other variants; more: as an epoch runs them)",
        }.AtLeast(1);
        var ntkRounds = new Option<int>("--ntk-rounds") { DefaultValueFactory = _ => d.NtkRounds, Description = "Timed rounds of the NTK" }.AtLeast(1);
        var reference = new Option<bool>("--reference") { Description = "Also time the double-backward linearized step (slow)" };
        var peer = new Option<bool>("--peer") { Description = "Interleave PyTorch 1.13 + functorch (bench/peer/peer_bench.py) and print ours/theirs" };
        var peerPython = new Option<string>("--peer-python") { DefaultValueFactory = _ => PeerOptions.DefaultPython, Description = "The Python that has torch and functorch" };
        var peerScript = new Option<string?>("--peer-script") { Description = $"The peer script (default: {PeerOptions.ScriptInRepository} in this checkout)" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Time standard, linearized and centered steps, a PGD step and the NTK, interleaved; prints median (min–max)")
        {
            rounds, warmup, batch, width, noResNet, resnetWidth, points, ntkRounds, reference, consecutive, peer, peerPython, peerScript, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var output = parse.InvocationConfiguration.Output;
            var options = new StepBenchmark.Options(parse.GetValue(batch), parse.GetValue(rounds), parse.GetValue(warmup), parse.GetValue(width),
                !parse.GetValue(noResNet), parse.GetValue(resnetWidth), parse.GetValue(points), parse.GetValue(ntkRounds), parse.GetValue(reference), parse.GetValue(consecutive));
            options.Validate();
            var peerOptions = !parse.GetValue(peer) ? null
                : new PeerOptions(parse.GetValue(peerPython)!, parse.GetValue(peerScript) ?? PeerOptions.DefaultScript(), TorchSharp.torch.get_num_threads(),
                    options.Batch, options.Width, options.IncludeResNet, options.ResNetWidth, options.NtkPoints);
            var result = StepBenchmark.Run(options, dev, peerOptions, output.WriteLine);
            output.WriteLine();
            BenchTable.Write(output, result, options, dev.ToString());
            return ExitCode.Success;
        }));
        command.Subcommands.Add(Stage2Routes());
        return command;
    }

    private static Command Stage2Routes()
    {
        var parent = new Option<string>("--parent") { Description = "The parent's stage-1 run folder", Required = true };
        var spawn = new Option<double>("--spawn") { Description = "Spawn epoch (a checkpoint of the parent)", Required = true }.NotNegative();
        var dynamics = CommonOptions.Enum("--dynamics", "Child dynamics", Dynamics.Centered);
        var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 3, Description = "Epochs per route, interleaved (median reported)" }.AtLeast(1);
        var featureMemory = new Option<double?>("--feature-memory-gib") { Description = "Memory budget for the Jacobian rows (default: half the available memory)" }.Positive();
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
                    return ExitCode.Success;
                });
        }));
        return command;
    }
}

using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro ntk</c>: kernels of a run's checkpoints and their metrics.</summary>
public static class NtkCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A stage-1 run folder", Required = true };
        var epochs = new Option<string>("--epochs") { Description = "Checkpoints: 'all' or a list such as 0,0.5,1,2", DefaultValueFactory = _ => "all" };
        var perClass = new Option<int>("--per-class") { Description = "Kernel subset: points per class (the paper: 50, N = 500)", DefaultValueFactory = _ => 50 }.AtLeast(1);
        var seed = new Option<int>("--subset-seed") { Description = "Seed of the class-balanced subset", DefaultValueFactory = _ => 0 };
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("ntk", "Empirical NTKs of checkpoints (saved as .npy + JSON) and the kernel metrics: velocity, distance to final, effective rank, specialization")
        {
            run, epochs, perClass, seed, data, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var runPath = parse.GetValue(run)!;
            var (dir, config) = RunDirectory.Read<Stage1Config>(runPath, Stage1.Kind);
            var list = CommonOptions.ParseEpochs(parse.GetValue(epochs)!, dir.CheckpointEpochs);
            foreach (var e in list) dir.RequireCheckpoint(e);
            var (train, test) = DatasetLoader.Load(config.Data, parse.GetValue(data));
            test.Dispose();
            using (train)
                return ProgressConsole.Run(parse.InvocationConfiguration.Output, progress =>
                {
                    var subset = new KernelSubset(parse.GetValue(perClass), parse.GetValue(seed));
                    KernelJob.Compute(dir.Path, list, train, subset, dev, progress);
                    if (list.Count < 2)
                    {
                        progress.Log($"kernel written to {KernelJob.KernelPath(dir.Path, subset, list[0])}; metrics need at least two checkpoints");
                        return ExitCode.Success;
                    }
                    var series = KernelJob.Analyze(dir.Path, subset, list);
                    var path = KernelJob.MetricsPath(dir.Path, subset);
                    AtomicFile.WriteJson(path, series);
                    progress.Log($"{"epoch",8} {"dist. to final",15} {"eff. rank",10} {"mean spec.",10}");
                    foreach (var p in series.Checkpoints)
                        progress.Log($"{RunDirectory.EpochName(p.Epoch),8} {p.DistanceToFinal,15:F4} {p.EffectiveRank,10:F2} {(p.MeanSpecialization is { } s ? s.ToString("F3") : "—"),10}");
                    foreach (var v in series.Velocities)
                        progress.Log($"velocity {RunDirectory.EpochName(v.FromEpoch)}→{RunDirectory.EpochName(v.ToEpoch)}: {v.Value:G4} per epoch");
                    progress.Log($"kernels in {KernelJob.Folder(dir.Path, subset)}; metrics written to {path}");
                    return ExitCode.Success;
                });
        }));
        return command;
    }
}

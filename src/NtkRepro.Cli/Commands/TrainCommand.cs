using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Data;
using NtkRepro.Linearization;
using NtkRepro.Models;
using NtkRepro.Training;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro train stage1|stage2</c>: one resumable training run.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train one run (resumable: rerun the same command to continue an interrupted run)");
        command.Subcommands.Add(Stage1Command());
        command.Subcommands.Add(Stage2Command());
        return command;
    }

    private static Command Stage1Command()
    {
        var output = new Option<string>("--out") { Description = "Run folder", Required = true };
        var model = new Option<string>("--model") { Description = $"Network: {string.Join(", ", ModelSpec.Architectures)}", DefaultValueFactory = _ => ModelSpec.SmallCnn };
        var width = new Option<int>("--width") { Description = "Width (base channels; 64 is the standard ResNet-18)", DefaultValueFactory = _ => 16 };
        var dataset = new Option<string>("--dataset") { Description = "cifar10, cifar100 or synthetic", DefaultValueFactory = _ => "cifar10" };
        var perClass = new Option<int?>("--train-per-class") { Description = "Use the first m training images of each class (default: all)" };
        var schedule = new Option<string>("--schedule") { Description = "benign, adversarial or switch:<epoch>", DefaultValueFactory = _ => "benign" };
        var mode = CommonOptions.Enum("--adversarial-mode", "Adversarial training: mixture is the authors' code (clean step + adversarial step), pure is Madry's", AdversarialMode.Mixture);
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 100, Description = "Epochs" };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 0.1, Description = "Learning rate" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 128, Description = "Batch size" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed (initialisation, shuffling, attack starts)" };
        var eps = CommonOptions.Epsilon("Training attack");
        var steps = CommonOptions.Steps("Training attack", 20);
        var stepSize = CommonOptions.StepSize();
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("stage1", "Stage 1: train a network from initialisation (benign, adversarial or switch schedule)")
        {
            output, model, width, dataset, perClass, schedule, mode, epochs, lr, batch, seed, eps, steps, stepSize, data, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var config = new Stage1Config
            {
                Model = new ModelSpec(parse.GetValue(model)!, parse.GetValue(width), 10),
                Data = new DataSpec(parse.GetValue(dataset)!, parse.GetValue(perClass), null),
                Schedule = Schedule.Parse(parse.GetValue(schedule)!),
                AdversarialMode = parse.GetValue(mode),
                TrainAttack = CommonOptions.Pgd(parse.GetValue(eps), parse.GetValue(steps), parse.GetValue(stepSize), 10),
                Epochs = parse.GetValue(epochs),
                LearningRate = parse.GetValue(lr),
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
            };
            if (config.Data.Dataset == CifarSource.Cifar100) config = config with { Model = config.Model with { Classes = 100 } };
            var (train, test) = DatasetLoader.Load(config.Data, parse.GetValue(data));
            using (train) using (test)
            using (var trainOnDevice = train.To(dev))
            {
                var writer = parse.InvocationConfiguration.Output;
                return ProgressConsole.Run(writer, progress =>
                {
                    var summary = Stage1.Train(config, parse.GetValue(output)!, trainOnDevice, dev, progress);
                    progress.Log($"stage 1 done: {summary.Epochs} epochs in {summary.Seconds:F0}s; checkpoints in {Path.GetFullPath(parse.GetValue(output)!)}/checkpoints");
                    return 0;
                });
            }
        }));
        return command;
    }

    private static Command Stage2Command()
    {
        var output = new Option<string>("--out") { Description = "Run folder", Required = true };
        var parent = new Option<string>("--parent") { Description = "The parent's stage-1 run folder", Required = true };
        var spawn = new Option<double>("--spawn") { Description = "Spawn epoch: the parent checkpoint to linearize around", Required = true };
        var dynamics = CommonOptions.Enum("--dynamics", "Child dynamics", Dynamics.Centered);
        var adversarial = new Option<bool>("--adversarial") { Description = "Adversarial training on the fixed kernel (section 7) instead of benign training" };
        var mode = CommonOptions.Enum("--adversarial-mode", "Adversarial training: mixture is the authors' code, pure is Madry's", AdversarialMode.Mixture);
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 100, Description = "Epochs" };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 0.01, Description = "Learning rate" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 128, Description = "Batch size" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed (shuffling, attack starts)" };
        var route = CommonOptions.Enum("--jvp", "JVP route: tangent propagation is fast, double backward the reference", JvpRoute.TangentPropagation);
        var eps = CommonOptions.Epsilon("Training attack");
        var steps = CommonOptions.Steps("Training attack", 20);
        var stepSize = CommonOptions.StepSize();
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("stage2", "Stage 2: train a standard, linearized or centered child of a stage-1 checkpoint (the parent's files are never modified)")
        {
            output, parent, spawn, dynamics, adversarial, mode, epochs, lr, batch, seed, route, eps, steps, stepSize, data, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var dyn = parse.GetValue(dynamics);
            var config = new Stage2Config
            {
                ParentRun = Path.GetFullPath(parse.GetValue(parent)!),
                SpawnEpoch = parse.GetValue(spawn),
                Dynamics = dyn,
                Adversarial = parse.GetValue(adversarial),
                AdversarialMode = parse.GetValue(mode),
                TrainAttack = CommonOptions.Pgd(parse.GetValue(eps), parse.GetValue(steps), parse.GetValue(stepSize), 10),
                Epochs = parse.GetValue(epochs),
                LearningRate = parse.GetValue(lr),
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
                Route = parse.GetValue(route),
            };
            var parentConfig = RunDirectory.Read<Stage1Config>(config.ParentRun, Stage1.Kind).Config;
            var (train, test) = DatasetLoader.Load(parentConfig.Data, parse.GetValue(data));
            using (train) using (test)
            using (var trainOnDevice = train.To(dev))
                return ProgressConsole.Run(parse.InvocationConfiguration.Output, progress =>
                {
                    var summary = Stage2.Train(config, parse.GetValue(output)!, trainOnDevice, dev, progress);
                    progress.Log($"stage 2 done: {summary.Epochs} epochs in {summary.Seconds:F0}s");
                    return 0;
                });
        }));
        return command;
    }
}

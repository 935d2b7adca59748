using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Runs;
using TorchSharp;

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

    /// <summary>The options both stages take, with the stage's default learning rate.</summary>
    private sealed class Shared
    {
        public Shared(Command command, double defaultLr)
        {
            Lr = new Option<double>("--lr") { DefaultValueFactory = _ => defaultLr, Description = "Learning rate" }.Positive();
            foreach (var o in new Option[] { Output, Mode, Epochs, Lr, Batch, Seed, Eps, Steps, StepSize, Data, Device, Threads })
                command.Options.Add(o);
        }

        public Option<string> Output { get; } = new Option<string>("--out") { Description = "Run folder", Required = true }.Folder();
        public Option<AdversarialMode> Mode { get; } = CommonOptions.Enum("--adversarial-mode",
            "Adversarial training: mixture is the authors' code (clean step + adversarial step), pure is Madry's", AdversarialMode.Mixture);
        public Option<int> Epochs { get; } = new Option<int>("--epochs") { DefaultValueFactory = _ => AuthorsDefaults.Stage1Epochs, Description = "Epochs" }.AtLeast(1);
        public Option<double> Lr { get; }
        public Option<int> Batch { get; } = new Option<int>("--batch") { DefaultValueFactory = _ => AuthorsDefaults.BatchSize, Description = "Batch size" }.AtLeast(1);
        public Option<int> Seed { get; } = new("--seed") { DefaultValueFactory = _ => 0, Description = "Seed (initialisation, shuffling, attack starts)" };
        public Option<double> Eps { get; } = CommonOptions.Epsilon("Training attack");
        public Option<int> Steps { get; } = CommonOptions.Steps("Training attack", 20);
        public Option<double?> StepSize { get; } = CommonOptions.StepSize();
        public Option<string?> Data { get; } = CommonOptions.Data();
        public Option<string> Device { get; } = CommonOptions.Device();
        public Option<int?> Threads { get; } = CommonOptions.Threads();

        public PgdConfig Attack(ParseResult p) => CommonOptions.Pgd(p.GetValue(Eps), p.GetValue(Steps), p.GetValue(StepSize), 10);

        /// <summary>Sets up the device, loads the data, and runs the training with progress.</summary>
        public ExitCode Train(ParseResult parse, DataSpec data, Func<LabeledImages, torch.Device, Numerics.Util.IProgressSink, RunSummary> train, string what)
        {
            var device = CommonOptions.Setup(parse.GetValue(Device)!, parse.GetValue(Threads));
            var (trainSet, testSet) = DatasetLoader.Load(data, parse.GetValue(Data));
            testSet.Dispose();
            using (trainSet)
            using (var onDevice = trainSet.To(device))
                return ProgressConsole.Run(parse.InvocationConfiguration.Output, progress =>
                {
                    var summary = train(onDevice, device, progress);
                    progress.Log($"{what} done: {summary.Epochs} epochs in {summary.Seconds:F0}s; run folder {Path.GetFullPath(parse.GetValue(Output)!)}");
                    return ExitCode.Success;
                });
        }
    }

    private static Command Stage1Command()
    {
        var command = new Command("stage1", "Stage 1: train a network from initialisation (benign, adversarial or switch schedule)");
        var shared = new Shared(command, defaultLr: AuthorsDefaults.Stage1LearningRate);
        var model = new Option<string>("--model") { Description = $"Network: {string.Join(", ", ModelSpec.Architectures)}", DefaultValueFactory = _ => ModelSpec.SmallCnn };
        var width = new Option<int>("--width") { Description = "Width (base channels; 64 is the standard ResNet-18)", DefaultValueFactory = _ => 16 }.AtLeast(1);
        var dataset = new Option<string>("--dataset") { Description = "cifar10, cifar100 or synthetic", DefaultValueFactory = _ => "cifar10" };
        var perClass = new Option<int?>("--train-per-class") { Description = "Use the first m training images of each class (default: all)" }.AtLeast(1);
        var schedule = new Option<string>("--schedule") { Description = "benign, adversarial or switch:<epoch>", DefaultValueFactory = _ => "benign" };
        foreach (var o in new Option[] { model, width, dataset, perClass, schedule }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var datasetName = parse.GetValue(dataset)!;
            var config = new Stage1Config
            {
                Model = new ModelSpec(parse.GetValue(model)!, parse.GetValue(width), DatasetLoader.Classes(datasetName)),
                Data = new DataSpec(datasetName, parse.GetValue(perClass), null),
                Schedule = Schedule.Parse(parse.GetValue(schedule)!),
                AdversarialMode = parse.GetValue(shared.Mode),
                TrainAttack = shared.Attack(parse),
                Epochs = parse.GetValue(shared.Epochs),
                LearningRate = parse.GetValue(shared.Lr),
                BatchSize = parse.GetValue(shared.Batch),
                Seed = parse.GetValue(shared.Seed),
            };
            config.Validate();
            config.Model.Create(0).Dispose(); // an unknown architecture fails here, before any data is read
            return shared.Train(parse, config.Data, (train, device, progress) => Stage1.Train(config, parse.GetValue(shared.Output)!, train, device, progress), "stage 1");
        }));
        return command;
    }

    private static Command Stage2Command()
    {
        var command = new Command("stage2", "Stage 2: train a standard, linearized or centered child of a stage-1 checkpoint (the parent's files are never modified)");
        var shared = new Shared(command, defaultLr: AuthorsDefaults.Stage2LearningRate);
        var parent = new Option<string>("--parent") { Description = "The parent's stage-1 run folder", Required = true };
        var spawn = new Option<double>("--spawn") { Description = "Spawn epoch: the parent checkpoint to linearize around", Required = true }.NotNegative();
        var dynamics = CommonOptions.Enum("--dynamics", "Child dynamics", Dynamics.Centered);
        var adversarial = new Option<bool>("--adversarial") { Description = "Adversarial training on the fixed kernel (section 7) instead of benign training" };
        var route = CommonOptions.Enum("--jvp", "JVP route: tangent propagation is fast, double backward the reference", JvpRoute.TangentPropagation);
        var trainingRoute = CommonOptions.Enum("--training-route",
            "How steps are computed: auto caches the parent's Jacobian rows for benign linearized/centered children where they fit, forward-pass runs the tangent pass every step",
            TrainingRoute.Auto);
        var featureMemory = new Option<double?>("--feature-memory-gib")
        {
            Description = "Cached Jacobian rows up to this size stay in memory, larger ones are streamed from a scratch file in the run folder (default: half the available memory)",
        }.Positive();
        foreach (var o in new Option[] { parent, spawn, dynamics, adversarial, route, trainingRoute, featureMemory }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var config = new Stage2Config
            {
                ParentRun = Stage2Config.RelativeParent(parse.GetValue(shared.Output)!, parse.GetValue(parent)!),
                SpawnEpoch = parse.GetValue(spawn),
                Dynamics = parse.GetValue(dynamics),
                Adversarial = parse.GetValue(adversarial),
                AdversarialMode = parse.GetValue(shared.Mode),
                TrainAttack = shared.Attack(parse),
                Epochs = parse.GetValue(shared.Epochs),
                LearningRate = parse.GetValue(shared.Lr),
                BatchSize = parse.GetValue(shared.Batch),
                Seed = parse.GetValue(shared.Seed),
                Route = parse.GetValue(route),
                TrainingRoute = parse.GetValue(trainingRoute),
            };
            config.Validate();
            var cache = new JacobianCacheOptions(parse.GetValue(featureMemory) is { } gib ? (long)(gib * (1L << 30)) : null);
            var parentData = RunDirectory.Read<Stage1Config>(config.ParentFolder(Path.GetFullPath(parse.GetValue(shared.Output)!)), Stage1.Kind).Config.Data;
            return shared.Train(parse, parentData, (train, device, progress) => Stage2.Train(config, parse.GetValue(shared.Output)!, train, device, progress, cache), "stage 2");
        }));
        return command;
    }
}

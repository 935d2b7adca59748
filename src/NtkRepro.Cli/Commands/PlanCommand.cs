using System.CommandLine;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Benchmarks;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Runs;
using TorchSharp;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro plan</c>: a preset's plan of steps, as text, GitHub Actions matrices or a Slurm submission script.</summary>
public static class PlanCommand
{
    public enum PlanFormat { Text, GithubMatrix, Slurm }

    public static Command Create()
    {
        var plan = new PlanOptions();
        var format = CommonOptions.Enum("--format", "Output", PlanFormat.Text);
        var wave = new Option<int?>("--wave") { Description = "github-matrix: only this wave's matrix ({\"include\": [...]}, for strategy.matrix)" }.AtLeast(0);
        var shards = new Option<int>("--shards")
        {
            DefaultValueFactory = _ => 64,
            Description = "github-matrix: at most this many jobs per wave (each runs a shard of step keys in order; GitHub allows 256 per matrix)",
        }.AtLeast(1);
        var command = new Command("plan", "Print a preset's plan of steps (key, dependencies, cost) as text, GitHub Actions matrices or a Slurm script");
        plan.AddTo(command);
        foreach (var o in new Option[] { format, wave, shards }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var thePlan = plan.Plan(parse);
            var output = parse.InvocationConfiguration.Output;
            int maxShards = parse.GetValue(shards);
            if (parse.GetValue(wave) is { } given && parse.GetValue(format) != PlanFormat.GithubMatrix)
                throw new ArgumentException($"--wave {given}: applies to --format github-matrix only");
            switch (parse.GetValue(format))
            {
                case PlanFormat.GithubMatrix:
                    output.WriteLine(GitHubMatrix.Render(parse.GetValue(wave) is { } w ? GitHubMatrix.Wave(thePlan, w, maxShards) : GitHubMatrix.All(thePlan, maxShards)));
                    break;
                case PlanFormat.Slurm:
                    output.Write(SlurmScript.Render(thePlan, new SlurmScript.Options(
                        Store: parse.GetValue(plan.Store) ?? ArtifactsFolder.Default(thePlan.Preset.Name))));
                    break;
                default:
                    Text(thePlan, output);
                    break;
            }
            return ExitCode.Success;
        }));
        return command;
    }

    private static void Text(Plan plan, TextWriter output)
    {
        var kept = StepCosts.Kept(plan.Preset.Name);
        var model = new CostModel(plan, kept, kept is null ? 0 : Calibration.Seconds(torch.CPU));
        var steps = plan.Steps.Where(s => s.Key != Plan.ReportKey).ToList();
        double Minutes(IEnumerable<PlanStep> these) => these.Sum(model.Seconds) / 60;
        // A GPU preset's image-pass rate is one GPU's: steps beside each other on it share that rate, so the wall time is one step at a time.
        int jobs = plan.Preset.NeedsGpu ? 1 : Environment.ProcessorCount;
        double wall = new WorkerSchedule(steps, model.Seconds, 20).Simulate(new HashSet<string>(), steps, [], jobs, model.LaunchSeconds);
        output.WriteLine($"preset {plan.Preset.Name}: {plan.Steps.Count} steps in {plan.Waves.Count} waves, about {Minutes(steps) / 60:F1} {(plan.Preset.NeedsGpu ? "GPU" : "CPU")} hours " +
                         $"({Eta.Short(TimeSpan.FromSeconds(wall))} of wall time {(plan.Preset.NeedsGpu ? "on one GPU" : $"with {jobs} worker(s)")}) by {model.Describe()}");
        output.WriteLine($"store: about {StoreProjection.Describe(StoreProjection.Bytes(plan, v => StoreProjection.CheckpointBytes(TensorElements(plan.Preset.ModelFor(v)))))} " +
                         $"(stage-1 runs keep the checkpoints at epochs {string.Join(", ", plan.Preset.CheckpointsRead.Select(RunDirectory.EpochName))})");
        int w = 0;
        foreach (var wave in plan.Waves)
        {
            output.WriteLine($"wave {w++}: {wave.Count} steps, {Minutes(wave) / 60:F1} h");
            foreach (var s in wave)
                output.WriteLine($"  {s.Key}  ({Minutes([s]):F1} min; " +
                    $"after {(s.DependsOn.Count == 0 ? "nothing" : s.DependsOn.Count > 3 ? $"{s.DependsOn.Count} steps" : string.Join(", ", s.DependsOn))})");
        }
    }

    private static long TensorElements(ModelSpec spec)
    {
        using var model = spec.Create(0);
        return model.state_dict().Values.Sum(t => t.numel());
    }
}

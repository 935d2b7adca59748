using System.CommandLine;
using System.Globalization;
using NtkRepro.Pipeline.Experiments;

namespace NtkRepro.Cli.Commands;

/// <summary>The options that choose a plan and its store, shared by reproduce, plan, run-step and report.</summary>
public sealed class PlanOptions
{
    public Option<string?> Preset { get; } = new("--preset")
    {
        Description = $"Scale: {string.Join(", ", Presets.All.Select(p => p.Name))} (reproduce's default: mini where CIFAR-10 is found, else smoke on synthetic data)",
    };

    public Option<string?> Store { get; } = new Option<string?>("--store", "--out")
    {
        Description = $"Artifact store, shared by every machine that runs steps of the plan (default: runs/<preset> in the repository, or ${ArtifactsFolder.EnvironmentVariable}/<preset>)",
    }.Folder();

    public Option<string?> Datasets { get; } = new("--dataset") { Description = "Only these of the preset's datasets (comma-separated, e.g. cifar10)" };
    public Option<string?> Epsilons { get; } = new("--epsilon") { Description = "Only these of the preset's attack radii, in 1/255 (comma-separated, e.g. 4 or 4,8)" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Preset, Store, Datasets, Epsilons }) command.Options.Add(o);
    }

    /// <summary>The chosen preset (restricted to the datasets and radii asked for) and its plan.</summary>
    public Plan Plan(ParseResult parse, Preset? fallback = null)
    {
        var preset = parse.GetValue(Preset) is { } name ? Presets.Get(name) : fallback ?? Presets.Mini;
        var datasets = parse.GetValue(Datasets)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var epsilons = parse.GetValue(Epsilons)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                ? x
                : throw new ArgumentException($"--epsilon {e}: expected a number of 1/255 units such as 4 or 8"))
            .ToList();
        return Planner.For(preset.Restrict(datasets, epsilons));
    }

    /// <summary>Every real dataset of the plan is in the data root: checked before any work, so a wrong --data is one line, not a failed step per run.</summary>
    public void RequireData(Plan plan, string? dataOption)
    {
        foreach (var dataset in plan.Preset.Datasets.Where(d => !NtkRepro.Numerics.Data.DatasetLoader.IsSynthetic(d)))
            NtkRepro.Numerics.Data.DatasetLoader.Require(dataset, dataOption);
    }

    public ArtifactStore StoreFor(ParseResult parse, Plan plan) => new(parse.GetValue(Store) ?? ArtifactsFolder.Default(plan.Preset.Name));
}

using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>What a step does. A step is identified by its key and writes only under its folder.</summary>
public abstract record StepWork(Variant? Variant, int Replicate);

public sealed record Stage1Work(Variant V, int R, ScheduleKind Schedule, Stage1Config Config) : StepWork(V, R);

public sealed record KernelsWork(Variant V, int R, ScheduleKind Schedule, KernelSubset Subset, IReadOnlyList<double> Epochs) : StepWork(V, R);

/// <summary>Cross-run distances of one variant's kernels: every pair of final kernels, and each switch run at the switch against every final kernel.</summary>
/// <param name="Kernels">The kernel steps whose kernels are compared.</param>
public sealed record KernelDistancesWork(Variant V, IReadOnlyList<string> Kernels, double FinalEpoch, double SwitchEpoch) : StepWork(V, -1);

/// <summary>Which state of a run an evaluation or the masking suite attacks: a stage-1 checkpoint, or a finished child (its last epoch).</summary>
/// <param name="Target">The key of the run step.</param>
/// <param name="Epoch">The checkpoint; a child's is its number of epochs.</param>
public sealed record EvalTarget(string Target, double Epoch, bool IsChild)
{
    /// <summary>What the jobs take: the checkpoint, or null for a child (its final state).</summary>
    public double? Checkpoint => IsChild ? null : Epoch;
}

/// <param name="TestImages">How many test images the variant's test set holds (part of the result's file name).</param>
public sealed record EvaluateWork(Variant V, int R, EvalTarget On, EvalConfig Config, int TestImages) : StepWork(V, R);

public sealed record Stage2Work(Variant V, int R, ScheduleKind Parent, double SpawnEpoch, Dynamics Dynamics, bool Adversarial, Stage2Config Config) : StepWork(V, R)
{
    [System.Text.Json.Serialization.JsonIgnore] public ChildId Id => new(Parent, SpawnEpoch, Dynamics, Adversarial);
}

/// <summary>
/// The gradient-masking suite on a run whose robust accuracy a claim uses (<paramref name="On"/>),
/// with <paramref name="Source"/> the stage-1 run whose checkpoint at <paramref name="SourceEpoch"/>
/// crafts the transfer attack (a child's parent; null: none).
/// </summary>
public sealed record MaskingWork(Variant V, int R, EvalTarget On, string? Source, double? SourceEpoch, MaskingConfig Config, long Seed) : StepWork(V, R);

/// <summary>
/// Eigen-images (PROTOCOL §5) of the initial, benign and AT kernels of one replicate for some
/// classes: <paramref name="BenignRun"/> gives the initial (its epoch 0) and benign (its end)
/// kernels, <paramref name="AdversarialRun"/> the AT one.
/// </summary>
public sealed record EigenWork(Variant V, int R, string BenignRun, string AdversarialRun, KernelSubset Subset, IReadOnlyList<int> Classes, EigenImageConfig Config) : StepWork(V, R);

/// <summary>Collects whatever the store holds into results and the report; runs on a partial store too.</summary>
public sealed record ReportWork() : StepWork(null, -1)
{
    /// <summary>The report step, after every other step.</summary>
    public static PlanStep Plan(IEnumerable<PlanStep> others) =>
        new(Experiments.Plan.ReportKey, ".", others.Select(s => s.Key).ToList(), new ReportWork(), 0, "collect the results and write the claim-by-claim report");
}

/// <summary>
/// One step of a plan: its key (what schedulers and run-step name), the folder it works in
/// (relative to the artifact store; a run's folder is named by a hash of its full configuration),
/// the steps whose outputs it reads, and its cost in image passes (one forward and backward
/// pass of one image; an estimate, for scheduling).
/// </summary>
public sealed record PlanStep(string Key, string Folder, IReadOnlyList<string> DependsOn, StepWork Work, double ImagePasses, string Title);

/// <summary>
/// A preset as a graph of steps, pure data: stage-1 runs, their kernels and evaluations, stage-2
/// children and theirs, the section-7 run, and the report. Executors (in-process, a GitHub
/// Actions matrix, a Slurm array) all run this one plan against one artifact store.
/// </summary>
public sealed class Plan
{
    public const string ReportKey = "report";

    /// <param name="variantSteps">The steps each variant reads, shared ones included (default: the steps whose work names the variant).</param>
    public Plan(Preset preset, IReadOnlyList<PlanStep> steps, IReadOnlyDictionary<Variant, IReadOnlyList<string>>? variantSteps = null)
    {
        Preset = preset;
        Steps = steps;
        VariantSteps = variantSteps ?? steps.Where(s => s.Work.Variant is not null).GroupBy(s => s.Work.Variant!)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(s => s.Key).ToList());
        var dupes = steps.GroupBy(s => s.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0) throw new InvalidOperationException($"plan of '{preset.Name}': duplicate step keys {string.Join(", ", dupes)}");
        ByKey = steps.ToDictionary(s => s.Key);
        foreach (var s in steps)
            foreach (var d in s.DependsOn)
                if (!ByKey.ContainsKey(d)) throw new InvalidOperationException($"plan of '{preset.Name}': step {s.Key} depends on unknown step {d}");
        Depth = ComputeDepths();
    }

    public Preset Preset { get; }
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>
    /// The steps each variant's results are read from: its own and those it shares with the other
    /// radii of its dataset (runs whose configuration does not depend on ε: benign stage-1 runs,
    /// their kernels, and the benign parent's benignly trained children).
    /// </summary>
    public IReadOnlyDictionary<Variant, IReadOnlyList<string>> VariantSteps { get; }

    /// <summary>The steps of a variant, in plan order.</summary>
    public IReadOnlyList<PlanStep> StepsOf(Variant v) =>
        VariantSteps.TryGetValue(v, out var keys) ? keys.Select(k => ByKey[k]).ToList() : [];
    public IReadOnlyDictionary<string, PlanStep> ByKey { get; }

    /// <summary>Dependency depth of each step: a wave is the steps of one depth, runnable in parallel once the earlier waves are done.</summary>
    public IReadOnlyDictionary<string, int> Depth { get; }

    public IReadOnlyList<IReadOnlyList<PlanStep>> Waves =>
        Steps.GroupBy(s => Depth[s.Key]).OrderBy(g => g.Key).Select(g => (IReadOnlyList<PlanStep>)g.ToList()).ToList();

    public PlanStep Step(string key) => ByKey.TryGetValue(key, out var s) ? s
        : throw new ArgumentException($"no step '{key}' in the plan of preset '{Preset.Name}' (see 'ntkrepro plan --preset {Preset.Name}' for its {Steps.Count} keys)");

    public double TotalImagePasses => Steps.Sum(s => s.ImagePasses);

    /// <summary>Estimated compute hours on the machine the preset is meant for.</summary>
    public double Hours(IEnumerable<PlanStep> steps) => steps.Sum(s => s.ImagePasses) / Preset.ImagePassesPerSecond / 3600;

    private Dictionary<string, int> ComputeDepths()
    {
        var depth = new Dictionary<string, int>();
        var visiting = new HashSet<string>();
        int Visit(PlanStep s)
        {
            if (depth.TryGetValue(s.Key, out var d)) return d;
            if (!visiting.Add(s.Key)) throw new InvalidOperationException($"plan of '{Preset.Name}': dependency cycle through {s.Key}");
            d = s.DependsOn.Count == 0 ? 0 : 1 + s.DependsOn.Max(k => Visit(ByKey[k]));
            visiting.Remove(s.Key);
            return depth[s.Key] = d;
        }
        foreach (var s in Steps) Visit(s);
        return depth;
    }
}

using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>What a finished child's folder tells: its summary and its training loss epoch by epoch.</summary>
public sealed record ChildRun(RunSummary Summary, IReadOnlyList<double> TrainingLosses);

/// <summary>A stage-2 child of a stage-1 checkpoint; its folder is named by a hash of its configuration.</summary>
public sealed class Stage2Step : StepKind<Stage2Work, ChildRun>
{
    public static readonly Stage2Step Kind = new();

    public override string Name => "stage2";

    /// <param name="parentRun">The parent's stage-1 step.</param>
    public static PlanStep Plan(string prefix, PlanStep parentRun, Stage2Work work, int trainImages) =>
        new($"{prefix}/stage2/{work.Id.StepName}", $"{prefix}/stage2/{work.Id.StepName}-{StepKey.Of(work.Config)}", [parentRun.Key],
            work, Passes(work.Config, trainImages), $"stage 2 {work.Id.StepName}, {work.V}, replicate {work.R}");

    /// <summary>The parent's folder as a child's configuration names it, relative to the child's folder (&lt;childPrefix&gt;/stage2/&lt;child&gt;).</summary>
    public static string ParentRelative(string childPrefix, PlanStep parentRun) =>
        Path.GetRelativePath(Path.Combine("/", childPrefix, "stage2", "child"), Path.Combine("/", parentRun.Folder));

    private static double Passes(Stage2Config c, int images) =>
        c.Epochs * images * c.Dynamics.Kind().PassesPerImage * (c.Adversarial ? Stage1Step.AdversarialPasses(c.AdversarialMode, c.TrainAttack.Steps) : 1);

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, Stage2Work work) => [RunDirectory.DoneFile(store.PathOf(step))];

    /// <summary>The run folder's own files and its checkpoints (not the evaluations and kernels other steps write beside them).</summary>
    public override IReadOnlyList<string> Written(Plan plan, ArtifactStore store, PlanStep step) => RunDirectory.OwnFiles(store.PathOf(step));

    protected override void Run(StepContext context, PlanStep step, Stage2Work work) =>
        Stage2.Train(work.Config, context.PathOf(step), context.Train(work.V), context.Device, context.Progress,
            new JacobianCacheOptions(Shared: context.SiblingFeatures));

    public override ChildRun Read(Plan plan, ArtifactStore store, PlanStep step, Stage2Work work)
    {
        var dir = RunDirectory.Read<Stage2Config>(store.PathOf(step), Stage2.Kind).Dir;
        return new ChildRun(dir.ReadSummary(), dir.ReadMetrics().Select(m => m.Loss).ToList());
    }
}

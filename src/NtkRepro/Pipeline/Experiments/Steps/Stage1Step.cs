using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>What a finished stage-1 run's folder tells: its summary and its training curve.</summary>
public sealed record Stage1Run(RunSummary Summary, IReadOnlyList<EpochMetrics> Curve);

/// <summary>A stage-1 run: a network trained from initialisation under one schedule; its folder is named by a hash of its configuration.</summary>
public sealed class Stage1Step : StepKind<Stage1Work, Stage1Run>
{
    public static readonly Stage1Step Kind = new();

    public override string Name => "stage1";

    public static PlanStep Plan(string prefix, Stage1Work work, int trainImages)
    {
        string name = Schedule.Name(work.Schedule);
        return new PlanStep($"{prefix}/stage1/{name}", $"{prefix}/stage1/{name}-{StepKey.Of(work.Config)}", [], work, Passes(work.Config, trainImages),
            $"stage 1 {work.Config.Schedule}, {work.V}, replicate {work.R} (seed {work.Config.Seed})");
    }

    /// <summary>Image passes: a benign epoch is one per image; an adversarial one its steps plus the attack's.</summary>
    private static double Passes(Stage1Config c, int images) =>
        Enumerable.Range(0, c.Epochs).Sum(e => c.Schedule.IsAdversarial(e) ? AdversarialPasses(c.AdversarialMode, c.TrainAttack.Steps) : 1.0) * images;

    /// <summary>A mixture step trains on the clean and the adversarial batch; both modes pay the attack's steps.</summary>
    internal static double AdversarialPasses(AdversarialMode mode, int attackSteps) => (mode == AdversarialMode.Mixture ? 2 : 1) + attackSteps;

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, Stage1Work work) => [RunDirectory.DoneFile(store.PathOf(step))];

    /// <summary>The run folder's own files and its checkpoints (not the evaluations and kernels other steps write beside them).</summary>
    public override IReadOnlyList<string> Written(Plan plan, ArtifactStore store, PlanStep step) => RunDirectory.OwnFiles(store.PathOf(step));

    protected override void Run(StepContext context, PlanStep step, Stage1Work work) =>
        Stage1.Train(work.Config, context.PathOf(step), context.Train(work.V), context.Device, context.Progress);

    public override Stage1Run Read(Plan plan, ArtifactStore store, PlanStep step, Stage1Work work)
    {
        var dir = RunDirectory.Read<Stage1Config>(store.PathOf(step), Stage1.Kind).Dir;
        return new Stage1Run(dir.ReadSummary(), dir.ReadMetrics());
    }
}

using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>Clean and PGD accuracy of a stage-1 checkpoint or a finished child, with the attack's sanity checks; beside the run's checkpoints.</summary>
public sealed class EvaluationStep : StepKind<EvaluateWork, EvalResult>
{
    public static readonly EvaluationStep Kind = new();

    public override string Name => "eval";

    public override string TimingGroup(PlanStep step) => WorkOf(step).On.IsChild ? "eval/stage2" : "eval/stage1";

    public static PlanStep ForCheckpoint(string prefix, PlanStep run, Variant v, int r, ScheduleKind schedule, double epoch, EvalConfig config, int testImages) =>
        new($"{prefix}/eval/stage1/{Schedule.Name(schedule)}@{RunDirectory.EpochName(epoch)}", run.Folder, [run.Key],
            new EvaluateWork(v, r, new EvalTarget(run.Key, epoch, IsChild: false), config, testImages), Passes(config, testImages, 1),
            $"evaluate the {Schedule.Name(schedule)} run at epoch {RunDirectory.EpochName(epoch)}, {v}, replicate {r}");

    /// <param name="v">The variant whose attack evaluates the child (a child shared across radii is evaluated at each).</param>
    public static PlanStep ForChild(string prefix, PlanStep child, Variant v, EvalConfig config, int testImages)
    {
        var work = (Stage2Work)child.Work;
        return new($"{prefix}/eval/stage2/{work.Id.StepName}", child.Folder, [child.Key],
            new EvaluateWork(v, work.R, new EvalTarget(child.Key, work.Config.Epochs, IsChild: true), config, testImages),
            Passes(config, testImages, work.Dynamics.Kind().PassesPerImage), $"evaluate {work.Id.StepName}, {v}, replicate {work.R}");
    }

    /// <summary>Clean pass, input gradient, the attack's steps and the adversarial pass.</summary>
    private static double Passes(EvalConfig config, int images, double passesPerImage) => (config.Attack.Steps + 3.0) * images * passesPerImage;

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, EvaluateWork work) =>
        [EvaluationJob.ResultPath(store.PathOf(step), work.On.Epoch, work.Config, work.TestImages)];

    protected override void Run(StepContext context, PlanStep step, EvaluateWork work) =>
        EvaluationJob.Run(context.PathOf(step), work.On.Checkpoint, work.Config, context.Test(work.V), context.Device, context.Progress);

    public override EvalResult Read(Plan plan, ArtifactStore store, PlanStep step, EvaluateWork work) =>
        Json.Read<EvalResult>(Outputs(plan, store, step, work)[0]);

    protected override IReadOnlyList<string> FailedChecks(Plan plan, ArtifactStore store, PlanStep step, EvaluateWork work) =>
        Read(plan, store, step, work).Sanity.Failures.Select(f => $"attack sanity: {f}").ToList();
}

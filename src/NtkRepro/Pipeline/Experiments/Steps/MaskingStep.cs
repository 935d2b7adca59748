using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// The gradient-masking suite on a run whose robust accuracy a claim uses, with a transfer attack
/// crafted on another run (a child's parent); beside the run's evaluations.
/// </summary>
public sealed class MaskingStep : StepKind<MaskingWork, MaskingReport>
{
    public static readonly MaskingStep Kind = new();

    public override string Name => "masking";

    /// <summary>On a child, with the transfer attack crafted on its parent at the spawn epoch.</summary>
    public static PlanStep ForChild(string prefix, PlanStep child, PlanStep parentRun, Variant v, MaskingConfig config, long seed, int testImages)
    {
        var work = (Stage2Work)child.Work;
        return new($"{prefix}/masking/stage2/{work.Id.StepName}", child.Folder, [child.Key, parentRun.Key],
            new MaskingWork(v, work.R, new EvalTarget(child.Key, work.Config.Epochs, IsChild: true), parentRun.Key, work.SpawnEpoch, config, seed),
            Passes(config, testImages) * work.Dynamics.Kind().PassesPerImage,
            $"masking suite on {work.Id.StepName} (transfer from its parent at epoch {RunDirectory.EpochName(work.SpawnEpoch)}), {v}, replicate {work.R}");
    }

    /// <summary>On a stage-1 checkpoint, without a transfer attack.</summary>
    public static PlanStep ForCheckpoint(string prefix, PlanStep run, Variant v, int r, ScheduleKind schedule, double epoch, MaskingConfig config, long seed, int testImages) =>
        new($"{prefix}/masking/stage1/{Schedule.Name(schedule)}@{RunDirectory.EpochName(epoch)}", run.Folder, [run.Key],
            new MaskingWork(v, r, new EvalTarget(run.Key, epoch, IsChild: false), null, null, config, seed), Passes(config, testImages),
            $"masking suite on the {ScheduleStrategy.Of(schedule).Label} run at epoch {RunDirectory.EpochName(epoch)}, {v}, replicate {r}");

    private static double Passes(MaskingConfig c, int testImages) =>
        Math.Min(c.Subset ?? testImages, testImages) * (c.PgdRestarts * c.PgdSteps + c.ApgdIterations * c.ApgdRestarts + c.Radii.Count * c.SweepSteps + c.PgdSteps + 4.0);

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, MaskingWork work) =>
        [MaskingJob.ResultPath(store.PathOf(step), work.On.Epoch, work.Config, work.Seed,
            work.Source is null ? null : Path.GetFileName(store.PathOf(plan.Step(work.Source))), work.SourceEpoch)];

    protected override void Run(StepContext context, PlanStep step, MaskingWork work) =>
        MaskingJob.Run(context.PathOf(step), work.On.Checkpoint, work.Source is null ? null : context.PathOf(work.Source), work.SourceEpoch, work.Config, work.Seed,
            context.Test(work.V), context.Device, context.Progress);

    public override MaskingReport Read(Plan plan, ArtifactStore store, PlanStep step, MaskingWork work) =>
        Json.Read<MaskingReport>(Outputs(plan, store, step, work)[0]);

    protected override IReadOnlyList<string> FailedChecks(Plan plan, ArtifactStore store, PlanStep step, MaskingWork work) =>
        Read(plan, store, step, work).FailedChecks.Select(f => $"masking: {f}").ToList();
}

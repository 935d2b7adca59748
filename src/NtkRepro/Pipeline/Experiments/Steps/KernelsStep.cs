using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>Kernels of a stage-1 run at the preset's checkpoints, and their metrics; in the run's folder.</summary>
public sealed class KernelsStep : StepKind<KernelsWork, KernelSeries>
{
    public static readonly KernelsStep Kind = new();

    public override string Name => "kernels";

    public static PlanStep Plan(string prefix, PlanStep run, KernelsWork work, int classes) =>
        new($"{prefix}/kernels/{Schedule.Name(work.Schedule)}", run.Folder, [run.Key], work,
            work.Epochs.Count * work.Subset.PerClass * (work.Subset.Classes ?? classes) * (1.0 + classes),
            $"kernels of the {Schedule.Name(work.Schedule)} run at {work.Epochs.Count} checkpoints, {work.V}, replicate {work.R}");

    /// <summary>The stored class blocks at one checkpoint.</summary>
    public static string KernelPath(ArtifactStore store, PlanStep step, double epoch)
    {
        var work = WorkOf(step);
        return KernelJob.KernelPath(store.PathOf(step), work.Subset, epoch);
    }

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, KernelsWork work) =>
        [KernelJob.MetricsPath(store.PathOf(step), work.Subset), .. work.Epochs.Select(e => KernelJob.KernelPath(store.PathOf(step), work.Subset, e))];

    /// <summary>The outputs and each kernel's JSON sidecar.</summary>
    public override IReadOnlyList<string> Written(Plan plan, ArtifactStore store, PlanStep step)
    {
        var outputs = Outputs(plan, store, step, WorkOf(step));
        return [.. outputs, .. outputs.Where(f => f.EndsWith(".npy", StringComparison.Ordinal)).Select(KernelFile.InfoPath)];
    }

    protected override void Run(StepContext context, PlanStep step, KernelsWork work)
    {
        var folder = context.PathOf(step);
        KernelJob.Compute(folder, work.Epochs, context.Train(work.V), work.Subset, context.Device, context.Progress);
        AtomicFile.WriteJson(KernelJob.MetricsPath(folder, work.Subset), KernelJob.Analyze(folder, work.Subset, work.Epochs));
    }

    public override KernelSeries Read(Plan plan, ArtifactStore store, PlanStep step, KernelsWork work) =>
        Json.Read<KernelSeries>(KernelJob.MetricsPath(store.PathOf(step), work.Subset));
}

using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>A plan step whose work is known to be <typeparamref name="TWork"/>: how one step names another it reads.</summary>
public sealed record StepRef<TWork>(PlanStep Step) where TWork : StepWork
{
    public TWork Work { get; } = Step.Work as TWork
        ?? throw new InvalidOperationException($"{Step.Key}: a {Step.Work.GetType().Name} step, not {typeof(TWork).Name}");
}

/// <summary>A stage-1 run as the planner lays it out: its key prefix (shared across radii or the variant's own), its training step and its kernels step.</summary>
public sealed record RunSteps(string Prefix, Variant Variant, int Replicate, ScheduleKind Schedule, StepRef<Stage1Work> Run, StepRef<KernelsWork> Kernels);

/// <summary>
/// An analysis of each stage-1 run, as one step per run after its kernels: the planner plans it
/// for every run, the collector reads its measures into <see cref="VariantResults.RunMeasures"/>,
/// the snapshot records each as a figure and the report tabulates them. A new one is a subclass of
/// <see cref="RunAnalysisStep{TWork}"/> listed in <see cref="StepKinds.PerRun"/>; nothing else changes.
/// </summary>
public interface IRunAnalysis : IStepKind
{
    /// <summary>What it measures, in words (the report's heading).</summary>
    string Describes { get; }

    PlanStep Plan(RunSteps run);

    /// <summary>The measures of a step that is done.</summary>
    IReadOnlyList<RunMeasure> Measures(Plan plan, ArtifactStore store, PlanStep step);
}

/// <summary>What every per-run analysis works on: one stage-1 run of one replicate.</summary>
public abstract record RunAnalysisWork(Variant V, int R, ScheduleKind Schedule) : StepWork(V, R);

/// <summary>
/// What an analysis reads of its run, on the device the step runs on: the kernels at each
/// checkpoint (trace kernel in float64, with the points' labels).
/// </summary>
public sealed class RunInput(StepContext context, StepRef<KernelsWork> kernels)
{
    public IReadOnlyList<double> KernelEpochs => kernels.Work.Epochs;

    /// <summary>The trace kernel at a checkpoint, in the caller's dispose scope, and the labels of its points.</summary>
    public (Tensor Trace, IReadOnlyList<long> Labels) Kernel(double epoch)
    {
        var (trace, _, info, _) = KernelJob.Load(KernelsStep.KernelPath(context.Store, kernels.Step, epoch));
        return (trace.to(context.Device), info.SubsetLabels);
    }
}

/// <summary>The common part of a per-run analysis: its key, folder, output file, run and read-back; a subclass says what it measures.</summary>
public abstract class RunAnalysisStep<TWork> : StepKind<TWork, IReadOnlyList<RunMeasure>>, IRunAnalysis where TWork : RunAnalysisWork
{
    public abstract string Describes { get; }

    /// <summary>The analysis's work for a run.</summary>
    protected abstract TWork Work(RunSteps run);

    /// <summary>Its figures of the run, each named by the analysis.</summary>
    protected abstract IEnumerable<(string Figure, double Value)> Measure(RunInput input, TWork work);

    public PlanStep Plan(RunSteps run) =>
        new($"{run.Prefix}/{Name}/{Schedule.Name(run.Schedule)}", run.Kernels.Step.Folder, [run.Run.Step.Key, run.Kernels.Step.Key], Work(run), 0,
            $"{Describes} of the {Schedule.Name(run.Schedule)} run, {run.Variant}, replicate {run.Replicate}");

    /// <summary>The run and kernels steps a planned analysis reads, in the order <see cref="Plan(RunSteps)"/> lists them.</summary>
    private static (StepRef<Stage1Work> Run, StepRef<KernelsWork> Kernels) Reads(Plan plan, PlanStep step) =>
        (new(plan.Step(step.DependsOn[0])), new(plan.Step(step.DependsOn[1])));

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, TWork work) =>
        [Path.Combine(KernelJob.Folder(store.PathOf(step), Reads(plan, step).Kernels.Work.Subset), $"{Name}.json")];

    protected override void Run(StepContext context, PlanStep step, TWork work)
    {
        var kernels = Reads(context.Plan, step).Kernels;
        List<RunMeasure> measures;
        using (torch.NewDisposeScope())
            measures = Measure(new RunInput(context, kernels), work).Select(m => new RunMeasure(Name, work.Schedule, work.R, m.Figure, m.Value)).ToList();
        AtomicFile.WriteJson(Outputs(context.Plan, context.Store, step, work)[0], measures);
    }

    public override IReadOnlyList<RunMeasure> Read(Plan plan, ArtifactStore store, PlanStep step, TWork work) =>
        Json.Read<List<RunMeasure>>(Outputs(plan, store, step, work)[0]);

    public IReadOnlyList<RunMeasure> Measures(Plan plan, ArtifactStore store, PlanStep step) => Read(plan, store, step);
}

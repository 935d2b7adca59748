using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Results;

/// <summary>A stage-1 run of one variant: its schedule and replicate.</summary>
public sealed record RunId(ScheduleKind Schedule, int Replicate);

/// <summary>
/// A stage-2 child of one variant, without its replicate: the parent's schedule, the spawn epoch,
/// the dynamics and whether stage 2 is adversarial (section 7). Replicates of one child are the
/// evidence a figure averages over. Its names, one per use, are all here.
/// </summary>
public sealed record ChildId(ScheduleKind Parent, double SpawnEpoch, Dynamics Dynamics, bool Adversarial)
{
    private string Spawn => RunDirectory.EpochName(SpawnEpoch);

    /// <summary>The last part of its step key: benign-t4-centered, fixed-kernel-benign-t15-centered.</summary>
    public string StepName => $"{(Adversarial ? "fixed-kernel-" : "")}{Schedule.Name(Parent)}-t{Spawn}-{Dynamics.Name()}";

    /// <summary>Its part of figure names: child.benign@4.centered, child.fixed_kernel_at.benign@15.centered.</summary>
    public string FigureName => $"child.{(Adversarial ? "fixed_kernel_at." : "")}{Schedule.Name(Parent)}@{Spawn}.{Dynamics.Name()}";

    /// <summary>How the report names it: benign @ 4 centered, benign @ 15 centered (AT, section 7).</summary>
    public string Label => $"{Schedule.Name(Parent)} @ {Spawn} {Dynamics.Name()}{(Adversarial ? " (AT, section 7)" : "")}";

    /// <summary>The report's short name, per replicate: benign @ 15 centered (AT), replicate 2.</summary>
    public string ShortLabel(int replicate) => $"{Schedule.Name(Parent)} @ {Spawn} {Dynamics.Name()}{(Adversarial ? " (AT)" : "")}, replicate {replicate}";

    public override string ToString() => StepName;
}

/// <summary>One replicate's evaluation of a run or child: what an accuracy figure averages over.</summary>
public sealed record ReplicateEval(int Replicate, EvalResult Eval);

/// <summary>One replicate's training curve of a stage-1 run, epoch by epoch.</summary>
public sealed record ReplicateCurve(int Replicate, IReadOnlyList<EpochMetrics> Curve);

/// <summary>One replicate's kernel series of a stage-1 run.</summary>
public sealed record ReplicateSeries(int Replicate, KernelSeries Series);

using NtkRepro.Kernels;
using NtkRepro.Training;
using NtkRepro.Runs;

namespace NtkRepro.Experiments;

/// <summary>A stage-1 run: its training summary, kernel series and final evaluation.</summary>
public sealed record Stage1Result(string Schedule, int Seed, string Run, RunSummary Summary, KernelSeries Kernels, EvalResult FinalEval);

/// <summary>A stage-1 checkpoint evaluated as a parent (at a spawn epoch).</summary>
public sealed record ParentResult(string Schedule, int Seed, double Epoch, EvalResult Eval);

/// <summary>A stage-2 child and its evaluation.</summary>
public sealed record ChildResult(string ParentSchedule, int Seed, double SpawnEpoch, string Dynamics, bool Adversarial, int Epochs, string Run, EvalResult Eval);

/// <summary>Distances between the kernels of different runs (same subset).</summary>
public sealed record CrossKernelResult(int Seed, double BenignVsAdversarialFinal, IReadOnlyList<SwitchPoint> SwitchRun);

/// <summary>The switch run's kernel at an epoch, against the final benign and adversarial kernels.</summary>
public sealed record SwitchPoint(double Epoch, double ToBenignFinal, double ToAdversarialFinal);

/// <summary>Wall time of one step of the plan, as measured when it was computed (Cached: reused by this invocation).</summary>
public sealed record StepTiming(string Step, double Seconds, bool Cached);

/// <summary>Everything a reproduction measured; claims and the report are computed from this.</summary>
public sealed record ReproductionResults(
    string Preset,
    string Scale,
    string Data,
    string Model,
    int Stage1Epochs,
    int SwitchEpoch,
    IReadOnlyList<string> Deviations,
    IReadOnlyList<Stage1Result> Stage1,
    IReadOnlyList<ParentResult> Parents,
    IReadOnlyList<ChildResult> Children,
    IReadOnlyList<ChildResult> FixedKernel,
    IReadOnlyList<CrossKernelResult> CrossKernels,
    IReadOnlyList<StepTiming> Timings,
    string Machine,
    string Finished)
{
    public double TotalSeconds => Timings.Sum(t => t.Seconds);
}

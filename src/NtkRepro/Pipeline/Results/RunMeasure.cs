using NtkRepro.Numerics.Training;

namespace NtkRepro.Pipeline.Results;

/// <summary>
/// One value a per-run analysis measured on a stage-1 run: the analysis (its step kind's name),
/// the run (schedule, replicate), and the figure, named by the analysis (e.g. one per checkpoint).
/// </summary>
public sealed record RunMeasure(string Analysis, ScheduleKind Schedule, int Replicate, string Figure, double Value);

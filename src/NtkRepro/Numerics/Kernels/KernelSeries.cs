namespace NtkRepro.Numerics.Kernels;

/// <summary>
/// The kernel metrics of one checkpoint of a run. The specialization is null (not measured) where
/// the kernel points do not cover every class of the network: CIFAR-100 kernels on classes 0–9.
/// </summary>
public sealed record KernelPoint(double Epoch, double DistanceToFinal, double EffectiveRank, double? MeanSpecialization);

/// <summary>
/// The kernel metrics along a run: per checkpoint, velocities between neighbouring checkpoints (for
/// plots), and velocities over every one-epoch interval [a, a+1] whose ends are both checkpoints,
/// fractional checkpoints in between or not (so velocities can be compared over equal lengths).
/// </summary>
public sealed record KernelSeries(string Run, int Points, IReadOnlyList<KernelPoint> Checkpoints, IReadOnlyList<KernelMetrics.Velocity> Velocities,
    IReadOnlyList<KernelMetrics.Velocity>? OneEpochVelocities = null);

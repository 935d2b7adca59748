using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// Every seed a plan hands out, derived from the replicate: each stage-1 schedule and each child
/// of each replicate has its own stream (initialisation, batch order, attack starts), so runs are
/// independent evidence, and the attacks of evaluations and of the masking suite are seeded per replicate.
/// </summary>
public static class ReplicateSeeds
{
    public static int Stage1(int replicate, ScheduleKind schedule) => 100 * replicate + Stream(schedule);

    public static int Child(int replicate, ChildId child) =>
        (int)(Seeds.Derive(replicate, Stream(child.Parent), (long)(child.SpawnEpoch * 1000), Stream(child.Dynamics), child.Adversarial ? 1 : 0) % 1_000_000_000);

    /// <summary>Each schedule's own seed stream (<see cref="ScheduleStrategy.SeedStream"/>).</summary>
    public static int Stream(ScheduleKind schedule) => ScheduleStrategy.Of(schedule).SeedStream;

    /// <summary>
    /// Each dynamics' own seed stream, written out rather than taken from the enum's order, so that
    /// adding or reordering a member cannot move the seeds of existing runs.
    /// </summary>
    public static int Stream(Dynamics dynamics) => dynamics switch
    {
        Dynamics.Standard => 0,
        Dynamics.Linearized => 1,
        Dynamics.Centered => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dynamics), dynamics, "no seed stream assigned to this dynamics"),
    };

    public static int Evaluation(int replicate) => replicate;

    public static long Masking(int replicate) => 1000 + replicate;
}

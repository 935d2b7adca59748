using NtkRepro.Training;
using NtkRepro.Util;

namespace NtkRepro.Experiments;

/// <summary>
/// Every seed a plan hands out, derived from the replicate: each stage-1 schedule and each child
/// of each replicate has its own stream (initialisation, batch order, attack starts), so runs are
/// independent evidence, and the attacks of evaluations and of the masking suite are seeded per replicate.
/// </summary>
public static class ReplicateSeeds
{
    public static int Stage1(int replicate, ScheduleKind schedule) => 100 * replicate + (int)schedule;

    public static int Child(int replicate, ChildId child) =>
        (int)(Seeds.Derive(replicate, (int)child.Parent, (long)(child.SpawnEpoch * 1000), (int)child.Dynamics, child.Adversarial ? 1 : 0) % 1_000_000_000);

    public static int Evaluation(int replicate) => replicate;

    public static long Masking(int replicate) => 1000 + replicate;
}

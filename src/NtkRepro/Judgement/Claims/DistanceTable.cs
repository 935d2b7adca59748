using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Claims;

/// <summary>
/// Distances between kernels of different runs, read out of the results once, all present
/// (<see cref="ClaimData.Distances"/>): the statistics computed on them, jackknifed and relabelled
/// many times over, never meet a missing one.
/// </summary>
public sealed class DistanceTable(IReadOnlyDictionary<(KernelRef, KernelRef), double> distances, double finalEpoch)
{
    /// <summary>S between two kernels the table was read for (either way round).</summary>
    public double this[KernelRef a, KernelRef b] => distances.TryGetValue((a, b), out var d) ? d
        : throw new InvalidOperationException($"the distance between {a} and {b} was not read into the table");

    /// <summary>The mean distance between the final kernels of a schedule's replicates (its spread), the replicates left out excluded.</summary>
    public double Within(ScheduleKind kind, IReadOnlyCollection<int> replicates)
    {
        var list = replicates.Order().ToList();
        if (list.Count < 2) throw new InvalidOperationException($"the spread of the {Schedule.Name(kind)} kernels needs two replicates, not {list.Count}");
        return list.SelectMany((a, i) => list.Skip(i + 1).Select(b => this[new KernelRef(kind, a, finalEpoch), new KernelRef(kind, b, finalEpoch)])).ToList().Average();
    }

    /// <summary>
    /// The mean distance from a kernel to a group's final kernels. With S = ½‖K̂₁ − K̂₂‖² it lies, in
    /// expectation, half the group's spread W above the distance to the group's mean kernel, so the
    /// difference of two such means carries ½(W_a − W_b) even when the kernel is equally far from
    /// both means; a claim subtracts it.
    /// </summary>
    public double MeanTo(KernelRef x, ScheduleKind kind, IReadOnlyList<int> replicates) =>
        replicates.Average(r => this[x, new KernelRef(kind, r, finalEpoch)]);
}

using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Claims.Paper;

/// <summary>What several claims of <see cref="ClaimRegistry"/> share: the scales a claim cannot be tested at, and the runs and kernels their tests read.</summary>
internal static class ClaimHelpers
{
    internal const string Synthetic = "the smoke preset runs on synthetic data: it tests no claim";
    internal const string Pct = "%";

    internal static Dictionary<Scale, string> NotAt(params (Scale Scale, string Reason)[] reasons)
    {
        var d = reasons.ToDictionary(r => r.Scale, r => r.Reason);
        d.TryAdd(Scale.Smoke, Synthetic);
        return d;
    }

    internal static Estimate PerReplicate(IEnumerable<double> values) => Estimate.FromReplicates(values.ToList());

    internal static string Name(ScheduleKind k) => Schedule.Name(k);

    internal static readonly ScheduleKind[] BenignAndAt = [ScheduleKind.Benign, ScheduleKind.Adversarial];

    /// <summary>Kernel checkpoints at whole epochs from a fraction of training on (the preset's grid; the final one included).</summary>
    internal static IEnumerable<KernelPoint> From(ClaimData d, KernelSeries s, double fraction) =>
        s.Checkpoints.Where(c => c.Epoch == Math.Floor(c.Epoch) && c.Epoch >= d.EpochAt(fraction));

    /// <summary>Children at the latest spawn epoch of the given parents and dynamics (benign stage 2).</summary>
    internal static IEnumerable<ChildId> Latest(ClaimData d, IEnumerable<ScheduleKind> parents, params Dynamics[] dynamics) =>
        parents.SelectMany(p => dynamics.Select(dyn => new ChildId(p, d.SpawnEpochs.Max(), dyn, false)));

    internal static IEnumerable<ChildId> EverySpawn(ClaimData d, ScheduleKind parent, params Dynamics[] dynamics) =>
        d.SpawnEpochs.SelectMany(t => dynamics.Select(dyn => new ChildId(parent, t, dyn, false)));

    internal static IEnumerable<ChildId> SectionSeven(ClaimData d) => d.Variant.FixedKernel.Select(c => c.Id).Distinct();

    internal static TestResult Shown(TestResult t) => Tests.Shown(t);
}

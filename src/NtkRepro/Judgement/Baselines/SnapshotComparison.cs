using NtkRepro.Numerics.Native;

namespace NtkRepro.Judgement.Baselines;

/// <summary>How two snapshots were compared.</summary>
public enum ComparisonMode
{
    /// <summary>Equal fingerprints: the bits must match (a relative 1e-12 where a figure passed through text).</summary>
    Exact,
    /// <summary>Different or missing fingerprints: figures are compared with the baseline's measured noise.</summary>
    Statistical,
}

/// <summary>Which check flagged a row.</summary>
public enum Check { Exact, Figure, Family, Presence, Verdict }

/// <summary>One row of the comparison table: a figure, a family of figures or a verdict.</summary>
public sealed record ComparisonRow(string Name, string Baseline, string Received, string Difference, string Tolerance, Check FlaggedBy, bool Fails);

/// <summary>
/// Snapshot diff review: exact when the fingerprints match, statistical otherwise
/// (<see cref="StatisticalComparison"/>). Both modes fail on a figure present on one side only and
/// on replicates missing from the received figures; a snapshot whose figures do not follow from
/// their per-replicate values is unusable input (<see cref="ReplicateCheck"/>).
/// </summary>
public static class SnapshotComparison
{
    public static ComparisonReport Compare(FigureSet baseline, FigureSet received)
    {
        if (baseline.Preset != received.Preset)
            throw new InvalidDataException($"different presets: the baseline is '{baseline.Preset}', the received snapshot '{received.Preset}'");
        var names = baseline.Figures.Select(f => f.Name).ToHashSet();
        if (baseline.Figures.Count > 0 && !received.Figures.Any(f => names.Contains(f.Name)))
            throw new InvalidDataException($"no figure in common between the baseline ({baseline.Figures.Count} figures) and the received snapshot ({received.Figures.Count})");
        foreach (var (set, side) in new[] { (baseline, "baseline"), (received, "received snapshot") })
        {
            var duplicate = set.Figures.GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new InvalidDataException($"the {side} has figure '{duplicate.Key}' twice");
        }
        ReplicateCheck.RequireConsistent(baseline, "baseline");
        ReplicateCheck.RequireConsistent(received, "received snapshot");
        var (mode, reason) = ModeOf(baseline.Fingerprint, received.Fingerprint);
        var rows = new List<ComparisonRow>();
        rows.AddRange(Presence(baseline, received));
        rows.AddRange(ReplicateCheck.Missing(baseline, received));
        var stats = mode == ComparisonMode.Exact ? null : new StatisticalComparison(baseline);
        rows.AddRange(mode == ComparisonMode.Exact ? ExactComparison.Figures(baseline, received) : stats!.Figures(received));
        rows.AddRange(mode == ComparisonMode.Exact ? ExactComparison.Verdicts(baseline, received) : VerdictChanges.Compare(baseline, received));
        int common = received.Figures.Count(f => names.Contains(f.Name));
        int compared = stats?.ComparedCount(received) ?? common;
        return new ComparisonReport(received.Preset, mode, reason, baseline.Fingerprint, received.Fingerprint, rows,
            compared, common - compared, received.Verdicts.Count, stats?.FamilyCount ?? 0);
    }

    public static (ComparisonMode, string) ModeOf(Fingerprint? baseline, Fingerprint? received)
    {
        if (baseline is null || received is null)
            return (ComparisonMode.Statistical, $"the {(baseline is null ? "baseline" : "received snapshot")} has no fingerprint");
        if (received.Machine.Contains(MachineDescription.CudaPrefix, StringComparison.Ordinal))
            return (ComparisonMode.Statistical, "the received snapshot ran on CUDA, whose convolution and reduction kernels are not bit-reproducible from run to run");
        var differ = received.DifferencesFrom(baseline);
        return differ.Count == 0
            ? (ComparisonMode.Exact, "the fingerprints are equal")
            : (ComparisonMode.Statistical, $"the fingerprints differ in {string.Join(", ", differ)}");
    }

    private static IEnumerable<ComparisonRow> Presence(FigureSet baseline, FigureSet received)
    {
        var old = baseline.Figures.Select(f => f.Name).ToHashSet();
        var now = received.Figures.Select(f => f.Name).ToHashSet();
        foreach (var f in received.Figures.Where(f => !old.Contains(f.Name)))
            yield return new(f.Name, "—", Show(f), "", "new figure", Check.Presence, true);
        foreach (var f in baseline.Figures.Where(f => !now.Contains(f.Name)))
            yield return new(f.Name, Show(f), "—", "", "figure gone", Check.Presence, true);
        var oldVerdicts = baseline.Verdicts.Select(v => (v.Id, v.Variant)).ToHashSet();
        var newVerdicts = received.Verdicts.Select(v => (v.Id, v.Variant)).ToHashSet();
        foreach (var v in received.Verdicts.Where(v => !oldVerdicts.Contains((v.Id, v.Variant))))
            yield return new(VerdictChanges.Name(v), "—", VerdictChanges.Text(v), "", "new verdict", Check.Verdict, true);
        foreach (var v in baseline.Verdicts.Where(v => !newVerdicts.Contains((v.Id, v.Variant))))
            yield return new(VerdictChanges.Name(v), VerdictChanges.Text(v), "—", "", "verdict gone", Check.Verdict, true);
    }

    internal static string Show(Figure x) =>
        x.HasUncertainty() ? $"{N(x.Mean)} ± {N(x.StandardError)}" : N(x.Mean);

    internal static string N(double x) => NtkRepro.Judgement.Claims.Format.Number(x);
}

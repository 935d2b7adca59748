using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// The replicates behind a snapshot's figures: a figure's mean (and, for figures that are plain
/// replicate means, its standard error and degrees of freedom) must follow from its per-replicate
/// values, or the snapshot is malformed; a received figure with fewer replicates than the
/// baseline's is a mismatch, whatever its mean, because the comparison's allowance assumes them.
/// </summary>
public static class ReplicateCheck
{
    private const double Relative = 1e-9;

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first figure whose numbers do not follow from its per-replicate values.</summary>
    public static void RequireConsistent(FigureSet set, string side)
    {
        foreach (var f in set.Figures.Where(f => f.Kind != FigureKind.Statistic && f.PerReplicate.Count > 0))
        {
            var e = Estimate.FromReplicates(f.PerReplicate);
            if (!Close(f.Mean, e.Mean))
                throw new InvalidDataException($"the {side}'s figure '{f.Name}' has mean {f.Mean:R}, " +
                    $"but its {f.PerReplicate.Count} per-replicate values average {e.Mean:R}: a replicate was removed or changed by hand");
            // Accuracies also carry the test set's sampling noise, so only the other kinds' spread is the replicates' own.
            if (f.Kind == FigureKind.Accuracy || f.PerReplicate.Count < 2) continue;
            if (!Close(f.StandardError, e.StandardError) || !Close(f.DegreesOfFreedom, e.DegreesOfFreedom))
                throw new InvalidDataException($"the {side}'s figure '{f.Name}' has standard error {f.StandardError:R} with {f.DegreesOfFreedom:R} degrees of freedom, " +
                                               $"but its {f.PerReplicate.Count} per-replicate values give {e.StandardError:R} with {e.DegreesOfFreedom:R}");
        }
    }

    /// <summary>One failing row per variant whose received figures have fewer replicates than the baseline's, naming the replicates missing where the values show which.</summary>
    public static IEnumerable<ComparisonRow> Missing(FigureSet baseline, FigureSet received)
    {
        var old = baseline.Figures.ToDictionary(f => f.Name);
        var shorter = received.Figures
            .Where(f => old.TryGetValue(f.Name, out var b) && f.PerReplicate.Count < b.PerReplicate.Count)
            .GroupBy(f => f.Name.Split('.')[0]);
        foreach (var g in shorter)
        {
            var figures = g.ToList();
            var first = figures[0];
            var b = old[first.Name];
            string which = WhichMissing(b.PerReplicate, first.PerReplicate) is { Count: > 0 } idx
                ? $"replicate{(idx.Count > 1 ? "s" : "")} {string.Join(", ", idx)} missing"
                : $"{b.PerReplicate.Count - first.PerReplicate.Count} replicate(s) missing";
            yield return new ComparisonRow($"replicates: {g.Key} ({figures.Count} figures, e.g. {string.Join(", ", figures.Take(3).Select(f => f.Name))})",
                $"{b.PerReplicate.Count} replicates", $"{first.PerReplicate.Count} replicates", which, "every replicate of the baseline", Check.Presence, true);
        }
    }

    /// <summary>The baseline's replicate indices whose values the received list lacks, when every received value is one of the baseline's (same bits); otherwise none.</summary>
    private static List<int> WhichMissing(IReadOnlyList<double> baseline, IReadOnlyList<double> received)
    {
        var left = received.ToList();
        var missing = new List<int>();
        for (int i = 0; i < baseline.Count; i++)
        {
            int at = left.FindIndex(x => x.Equals(baseline[i]));
            if (at >= 0) left.RemoveAt(at);
            else missing.Add(i);
        }
        return left.Count == 0 && missing.Count == baseline.Count - received.Count ? missing : [];
    }

    private static bool Close(double a, double b) =>
        a.Equals(b) || (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= Relative * Math.Max(1e-300, Math.Max(Math.Abs(a), Math.Abs(b)));
}

namespace NtkRepro.Numerics.Statistics;

/// <summary>What a pre-registered test concluded.</summary>
public enum Decision
{
    /// <summary>The predicted effect is significant.</summary>
    Supported,
    /// <summary>Significant the other way.</summary>
    Contradicted,
    /// <summary>Within noise.</summary>
    Undecided,
    /// <summary>On the predicted side of the paper's direction (or not significantly against it), but significantly short of the margin the claim's size needs.</summary>
    ShortOfMargin,
}

/// <summary>
/// One-sided tests at a fixed level against a margin, on an <see cref="Estimate"/>: "the quantity
/// exceeds m" is supported when the lower one-sided bound exceeds m, contradicted when the upper
/// bound is below m; "the quantity is below m" the other way round. Two-sided "differs from 0 by
/// more than m" is supported when the two-sided interval lies outside [−m, m] and contradicted
/// when it lies inside (an equivalence result).
/// </summary>
public static class OneSided
{
    public const double Level = 0.95;

    public static Decision Above(Estimate e, double margin) =>
        !e.HasUncertainty ? Decision.Undecided
        : e.Lower(Level) > margin ? Decision.Supported
        : e.Upper(Level) < margin ? Decision.Contradicted
        : Decision.Undecided;

    public static Decision Below(Estimate e, double margin) =>
        !e.HasUncertainty ? Decision.Undecided
        : e.Upper(Level) < margin ? Decision.Supported
        : e.Lower(Level) > margin ? Decision.Contradicted
        : Decision.Undecided;

    /// <summary>|quantity| &gt; margin, with the two-sided interval at <see cref="Level"/>.</summary>
    public static Decision OutsideBand(Estimate e, double margin)
    {
        if (!e.HasUncertainty) return Decision.Undecided;
        double level = 1 - (1 - Level) / 2;
        double lo = e.Lower(level), hi = e.Upper(level);
        if (lo > margin || hi < -margin) return Decision.Supported;
        if (lo > -margin && hi < margin) return Decision.Contradicted;
        return Decision.Undecided;
    }

    /// <summary>
    /// One-sided p-values of "the quantity exceeds m" (Support) and of "it is below m" (Against):
    /// Support ≤ 1 − <see cref="Level"/> exactly when <see cref="Above"/> supports. Both are 1 without a spread.
    /// </summary>
    public static (double Support, double Against) AboveP(Estimate e, double margin)
    {
        if (!e.HasUncertainty) return (1, 1);
        if (e.StandardError == 0) return e.Mean > margin ? (0, 1) : e.Mean < margin ? (1, 0) : (1, 1);
        double t = (e.Mean - margin) / e.StandardError;
        return (1 - StudentT.Cdf(t, e.DegreesOfFreedom), StudentT.Cdf(t, e.DegreesOfFreedom));
    }

    public static (double Support, double Against) BelowP(Estimate e, double margin)
    {
        var (above, below) = AboveP(e, margin);
        return (below, above);
    }

    /// <summary>
    /// |quantity| &gt; m: Support is twice the smaller one-sided p of "above m" and "below −m";
    /// Against (inside the band, two one-sided tests) twice the larger of "below m" and "above −m";
    /// each ≤ 1 − <see cref="Level"/> exactly when <see cref="OutsideBand"/> decides so.
    /// </summary>
    public static (double Support, double Against) OutsideBandP(Estimate e, double margin)
    {
        var (aboveM, belowM) = AboveP(e, margin);
        var (aboveMinusM, belowMinusM) = AboveP(e, -margin);
        return (Math.Min(1, 2 * Math.Min(aboveM, belowMinusM)), Math.Min(1, 2 * Math.Max(belowM, aboveMinusM)));
    }

    /// <summary>
    /// Holm's step-down procedure at family-wise level <paramref name="alpha"/>: which of the
    /// p-values are rejected (the smallest against α/m, the next against α/(m − 1), … until one is not).
    /// </summary>
    public static bool[] Holm(IReadOnlyList<double> p, double alpha = 1 - Level)
    {
        var rejected = new bool[p.Count];
        var order = Enumerable.Range(0, p.Count).OrderBy(i => p[i]).ToList();
        for (int j = 0; j < order.Count; j++)
        {
            if (!(p[order[j]] <= alpha / (p.Count - j))) break;
            rejected[order[j]] = true;
        }
        return rejected;
    }

    /// <summary>An intersection of hypotheses: supported if all are, contradicted if any is.</summary>
    public static Decision All(IEnumerable<Decision> parts)
    {
        var list = parts.ToList();
        return list.Any(d => d == Decision.Contradicted) ? Decision.Contradicted
            : list.All(d => d == Decision.Supported) ? Decision.Supported
            : Decision.Undecided;
    }
}

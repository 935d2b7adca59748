namespace NtkRepro.Statistics;

/// <summary>What a pre-registered test concluded.</summary>
public enum Decision
{
    /// <summary>The predicted effect is significant.</summary>
    Supported,
    /// <summary>Significant the other way.</summary>
    Contradicted,
    /// <summary>Within noise.</summary>
    Undecided,
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

    /// <summary>An intersection of hypotheses: supported if all are, contradicted if any is.</summary>
    public static Decision All(IEnumerable<Decision> parts)
    {
        var list = parts.ToList();
        return list.Any(d => d == Decision.Contradicted) ? Decision.Contradicted
            : list.All(d => d == Decision.Supported) ? Decision.Supported
            : Decision.Undecided;
    }
}

namespace NtkRepro.Pipeline.Benchmarks;

/// <summary>Median and range of repeated timings, in milliseconds.</summary>
public sealed record TimingSummary(double Median, double Min, double Max, int Count)
{
    public static TimingSummary Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no timings");
        return new TimingSummary(NtkRepro.Numerics.Util.Median.Of(values), values.Min(), values.Max(), values.Count);
    }

    public override string ToString() => $"{Ms(Median)} ({Ms(Min)}–{Ms(Max)})";

    public static string Ms(double ms) => ms >= 100 ? ms.ToString("F0") : ms.ToString("F1");
}

/// <summary>
/// Ours/theirs: the ratio of the medians, and the range of the per-round ratios (each round
/// times both back to back, so a noisy machine widens the range rather than moving the ratio).
/// </summary>
public sealed record RatioSummary(double OfMedians, double Min, double Max)
{
    public static RatioSummary Of(IReadOnlyList<double> ours, IReadOnlyList<double> theirs)
    {
        if (ours.Count != theirs.Count) throw new ArgumentException($"{ours.Count} rounds against {theirs.Count}");
        var perRound = ours.Zip(theirs, (a, b) => a / b).ToList();
        return new RatioSummary(TimingSummary.Of(ours).Median / TimingSummary.Of(theirs).Median, perRound.Min(), perRound.Max());
    }

    public override string ToString() => $"{OfMedians:F2} ({Min:F2}–{Max:F2})";
}

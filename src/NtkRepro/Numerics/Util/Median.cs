namespace NtkRepro.Numerics.Util;

/// <summary>The median of a sample (the mean of the two middle values when it has an even count).</summary>
public static class Median
{
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) throw new ArgumentException("the median of no values");
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

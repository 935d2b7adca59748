namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// Equal fingerprints: any difference is a change in the code. Every number of every figure
/// (mean, standard error, degrees of freedom, each replicate's value) must be equal to a relative
/// 1e-12 (the JSON text round-trips doubles, so in practice bit for bit), and every verdict, masking
/// decision and test decision the same.
/// </summary>
public static class ExactComparison
{
    public const double RelativeTolerance = 1e-12;

    public static bool Same(double a, double b) =>
        a.Equals(b) || (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= RelativeTolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    public static IEnumerable<ComparisonRow> Figures(FigureSet baseline, FigureSet received)
    {
        var old = baseline.Figures.ToDictionary(f => f.Name);
        foreach (var x in received.Figures)
        {
            if (!old.TryGetValue(x.Name, out var b)) continue;
            var differs = new List<string>();
            if (x.Kind != b.Kind) differs.Add("kind");
            if (!Same(x.Mean, b.Mean)) differs.Add("mean");
            if (!Same(x.StandardError, b.StandardError)) differs.Add("standard error");
            if (!Same(x.DegreesOfFreedom, b.DegreesOfFreedom)) differs.Add("degrees of freedom");
            if (x.PerReplicate.Count != b.PerReplicate.Count || x.PerReplicate.Zip(b.PerReplicate).Any(p => !Same(p.First, p.Second))) differs.Add("per-replicate values");
            if (differs.Count > 0)
                yield return new(x.Name, SnapshotComparison.Show(b), SnapshotComparison.Show(x), SnapshotComparison.N(x.Mean - b.Mean),
                    $"exact ({string.Join(", ", differs)} differ)", Check.Exact, true);
        }
    }

    public static IEnumerable<ComparisonRow> Verdicts(FigureSet baseline, FigureSet received)
    {
        foreach (var (o, v) in VerdictChanges.Matched(baseline, received))
        {
            bool testsDiffer = v.Tests.Count != o.Tests.Count || v.Tests.Zip(o.Tests).Any(p => p.First.Figure != p.Second.Figure || p.First.Decision != p.Second.Decision);
            if (o.Verdict != v.Verdict || o.MaskingSuspected != v.MaskingSuspected || testsDiffer)
                yield return new(VerdictChanges.Name(v), VerdictChanges.Text(o), VerdictChanges.Text(v), "",
                    "exact (the verdict, its masking decision or a test's decision differs)", Check.Verdict, true);
        }
    }
}

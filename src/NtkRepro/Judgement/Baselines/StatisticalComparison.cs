using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// The statistical mode, with the baseline's noise alone setting every scale (a received run
/// cannot widen its own allowance). A figure's replicate standard deviation is the larger of its
/// own and its family's pooled model (<see cref="FigureFamily.Weight"/> times the family's pooled
/// variance, with the family's pooled degrees of freedom), so a tolerance's t has many degrees of
/// freedom instead of n − 1. Two tests share the family-wise false-alarm rate of 5%, half each:
/// <list type="bullet">
/// <item>per figure: |received − baseline| / (σ·√(1/n_b + 1/n_r)) against Student's t at
/// 1 − 0.025/(2m) for m figures (Bonferroni), above the figure's small absolute floor;</item>
/// <item>per family (omnibus): the sum of the family's signed z against its null spread, which
/// counts the correlation between the family's figures (replicates share a parent) as the larger
/// of the family's own mean correlation and the variant's pooled one, at 1 − 0.025/(2F) for F
/// families: a shift of a few points shared by many figures fails though each is within its tolerance.</item>
/// </list>
/// A cross-run distance's replicate spread is scaled by its jackknife factor
/// (<see cref="FigureFamily.Inflation"/>); with fewer than three runs it has no measurable noise and
/// is not compared statistically (the exact mode still compares it).
/// </summary>
public sealed class StatisticalComparison
{
    public const double FamilyWiseErrorRate = 0.05;

    private sealed record Scale(double Sigma, double Dof, int Replicates, double OwnSd);

    private readonly Dictionary<string, Figure> _baseline;
    private readonly Dictionary<string, Scale> _scale = new();
    private readonly Dictionary<string, FigureFamily> _family = new();
    private readonly Dictionary<string, double> _correlation = new();

    public StatisticalComparison(FigureSet baseline)
    {
        _baseline = baseline.Figures.ToDictionary(f => f.Name);
        foreach (var f in baseline.Figures) _family[f.Name] = FigureFamily.Of(f);
        foreach (var g in baseline.Figures.GroupBy(f => _family[f.Name].Key))
        {
            var members = g.ToList();
            double ss = 0, dof = 0;
            foreach (var f in members.Where(f => f.PerReplicate.Count >= 2 && Comparable(f)))
            {
                double w = FigureFamily.Weight(f.Kind, f.Mean);
                if (!(w > 0)) continue;
                double m = Center(f), inflation = FigureFamily.Inflation(f);
                ss += inflation * inflation * f.PerReplicate.Sum(x => (x - m) * (x - m)) / w;
                dof += f.PerReplicate.Count - 1;
            }
            double pooled = dof > 0 ? ss / dof : double.NaN;
            foreach (var f in members)
            {
                int n = f.PerReplicate.Count;
                double own = n >= 2 ? Estimate.FromReplicates(f.PerReplicate).StandardError * Math.Sqrt(n) * FigureFamily.Inflation(f) : double.NaN;
                double model = dof > 0 ? Math.Sqrt(pooled * FigureFamily.Weight(f.Kind, f.Mean)) : double.NaN;
                double sigma = !Comparable(f) ? double.NaN : double.IsNaN(own) ? model : double.IsNaN(model) ? own : Math.Max(own, model);
                double d = dof > 0 ? dof : n - 1;
                _scale[f.Name] = new Scale(sigma, d, n, own);
            }
        }
        foreach (var variant in baseline.Figures.GroupBy(f => f.Name.Split('.')[0]))
        {
            var byFamily = variant.GroupBy(f => _family[f.Name].Key).ToDictionary(g => g.Key, g => OwnCorrelation(g.ToList()));
            var known = byFamily.Values.Where(double.IsFinite).ToList();
            double pooled = known.Count > 0 ? known.Average() : 0;
            foreach (var (key, own) in byFamily) _correlation[key] = Math.Clamp(Math.Max(double.IsFinite(own) ? own : 0, pooled), 0, 1);
        }
    }

    public int FamilyCount => _family.Values.Select(f => f.Key).Distinct().Count();

    /// <summary>The received figures this mode compares: those the baseline has and measures a noise for.</summary>
    public int ComparedCount(FigureSet received) => received.Figures.Count(f => _baseline.TryGetValue(f.Name, out var b) && Comparable(b));

    /// <summary>Whether the baseline measures a noise for the figure: not a cross-run distance of fewer than three runs.</summary>
    private static bool Comparable(Figure f) => !double.IsNaN(FigureFamily.Inflation(f));

    /// <summary>The tolerance of one figure (the half-width its difference may reach), for the table and for planted-shift tests.</summary>
    public double Tolerance(string name, int receivedReplicates, int comparisons)
    {
        var b = _baseline[name];
        var s = _scale[name];
        double floor = b.Floor();
        if (!(s.Sigma > 0) || !(s.Dof > 0)) return floor;
        double t = StudentT.Quantile(1 - FamilyWiseErrorRate / 2 / (2 * comparisons), s.Dof);
        return t * s.Sigma * Math.Sqrt(1.0 / s.Replicates + 1.0 / Math.Max(1, receivedReplicates)) + floor;
    }

    public IEnumerable<ComparisonRow> Figures(FigureSet received)
    {
        var compared = received.Figures.Where(f => _baseline.TryGetValue(f.Name, out var b) && Comparable(b)).ToList();
        int m = Math.Max(1, compared.Count);
        var rows = new List<ComparisonRow>();
        foreach (var x in compared)
        {
            var b = _baseline[x.Name];
            double diff = x.Mean - b.Mean;
            if (double.IsNaN(x.Mean) || double.IsNaN(b.Mean))
            {
                if (double.IsNaN(x.Mean) != double.IsNaN(b.Mean))
                    rows.Add(new(x.Name, SnapshotComparison.Show(b), SnapshotComparison.Show(x), "", "defined on one side only", Check.Figure, true));
                continue;
            }
            double tolerance = Tolerance(x.Name, x.PerReplicate.Count, m);
            var s = _scale[x.Name];
            if (Math.Abs(diff) > tolerance)
                rows.Add(new(x.Name, SnapshotComparison.Show(b), SnapshotComparison.Show(x), SnapshotComparison.N(diff),
                    $"±{SnapshotComparison.N(tolerance)} (σ {SnapshotComparison.N(s.Sigma)}, {SnapshotComparison.N(s.Dof)} dof)", Check.Figure, true));
        }
        rows.AddRange(DuplicatedReplicates(compared));
        foreach (var o in Omnibus(received).Where(o => o.Fails))
            rows.Add(new($"family: {o.Group} ({o.Figures} figures)", "0", SnapshotComparison.N(o.MeanZ) + " z (mean)",
                SnapshotComparison.N(o.Statistic), $"±{SnapshotComparison.N(o.Critical)} (omnibus z, correlation {SnapshotComparison.N(o.Correlation)})", Check.Family, true));
        return rows;
    }

    /// <summary>One omnibus test: a group of figures, its standardised sum, the critical value and the correlation it allowed for.</summary>
    public sealed record OmnibusTest(string Group, int Figures, double MeanZ, double Statistic, double Critical, double Correlation)
    {
        public bool Fails => Math.Abs(Statistic) > Critical;
    }

    /// <summary>
    /// The groups a figure's omnibus tests read: its family, a kernel metric over every schedule,
    /// and the series it belongs to (its name with every epoch after '@' replaced by '*': one child
    /// kind over its spawn epochs, one kernel metric over its checkpoints).
    /// </summary>
    private IEnumerable<string> GroupsOf(string name)
    {
        yield return _family[name].Key;
        // A change in how a kernel metric is computed moves it for every schedule.
        if (name.Contains(".kernel@", StringComparison.Ordinal)) yield return $"{name.Split('.')[0]} {name[(name.LastIndexOf('.') + 1)..]} (every schedule)";
        string series = System.Text.RegularExpressions.Regex.Replace(name, @"@[0-9.\-]+(?=\.[a-z_])", "@*");
        if (series != name) yield return series;
    }

    /// <summary>
    /// The omnibus test of every group of two figures or more: a weighted sum of the group's z,
    /// each weighted by the z a shift of the family's kind would give it (a shift in points for
    /// accuracies and statistics: 1/σ; a relative one for kernel figures, ranks and losses:
    /// |mean|/σ), against its null spread with the correlation allowed for. Groups with the same
    /// figures are tested once.
    /// </summary>
    public IReadOnlyList<OmnibusTest> Omnibus(FigureSet received)
    {
        var members = new Dictionary<string, List<Figure>>();
        foreach (var x in received.Figures.Where(f => _baseline.ContainsKey(f.Name)))
        {
            if (!(_scale[x.Name].Sigma > 0) || double.IsNaN(x.Mean) || double.IsNaN(_baseline[x.Name].Mean)) continue;
            foreach (var key in GroupsOf(x.Name))
            {
                if (!members.TryGetValue(key, out var list)) members[key] = list = [];
                list.Add(x);
            }
        }
        var groups = members.Where(kv => kv.Value.Count >= 2)
            .GroupBy(kv => string.Join("\n", kv.Value.Select(f => f.Name))).Select(g => g.OrderBy(kv => kv.Key.Length).First())
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        double critical = NormalQuantile(1 - FamilyWiseErrorRate / 2 / (2 * Math.Max(1, groups.Count)));
        var tests = new List<OmnibusTest>();
        foreach (var (key, list) in groups)
        {
            double own = OwnCorrelation(list.Select(f => _baseline[f.Name]).ToList());
            double rho = Math.Clamp(Math.Max(double.IsFinite(own) ? own : 0, _correlation.GetValueOrDefault(_family[list[0].Name].Key)), 0, 1);
            double sum = 0, sumWa = 0, sumWa2 = 0, sumW = 0;
            foreach (var x in list)
            {
                var s = _scale[x.Name];
                var b = _baseline[x.Name];
                double z = (x.Mean - b.Mean) / (s.Sigma * Math.Sqrt(1.0 / s.Replicates + 1.0 / Math.Max(1, x.PerReplicate.Count)));
                double a = double.IsFinite(s.OwnSd) ? s.OwnSd / s.Sigma : 1;
                double w = (FigureFamily.IsRelative(b.Kind) ? Math.Abs(b.Mean) : 1) / s.Sigma;
                sum += w * z; sumWa += w * a; sumWa2 += w * w * a * a; sumW += w;
            }
            double nullSd = Math.Sqrt(sumWa2 + rho * (sumWa * sumWa - sumWa2));
            if (!(nullSd > 0)) continue;
            tests.Add(new OmnibusTest(key, list.Count, sum / sumW, sum / nullSd, critical, rho));
        }
        return tests;
    }

    /// <summary>
    /// Two replicates with identical values in every figure where the baseline's two differ: one
    /// replicate's results stand in for another's (a seed not applied, a path computed twice).
    /// </summary>
    private IEnumerable<ComparisonRow> DuplicatedReplicates(List<Figure> compared)
    {
        int n = compared.Select(f => f.PerReplicate.Count).DefaultIfEmpty(0).Max();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                var distinct = compared.Where(f => f.PerReplicate.Count > j && _baseline[f.Name].PerReplicate.Count > j
                                                   && _baseline[f.Name].PerReplicate[i] != _baseline[f.Name].PerReplicate[j]).ToList();
                if (distinct.Count >= 2 && distinct.All(f => f.PerReplicate[i] == f.PerReplicate[j]))
                    yield return new($"replicates {i} and {j}", "distinct", "identical", "",
                        $"identical in all {distinct.Count} figures where the baseline's differ", Check.Figure, true);
            }
    }

    /// <summary>The family's mean correlation between its figures' replicate deviations, from the spread of their sum.</summary>
    private double OwnCorrelation(List<Figure> members)
    {
        var usable = members.Where(f => f.PerReplicate.Count >= 2 && _scale[f.Name].Sigma > 0 && _scale[f.Name].OwnSd > 0).ToList();
        if (usable.Count < 2) return double.NaN;
        int n = usable.Select(f => f.PerReplicate.Count).Min();
        if (usable.Any(f => f.PerReplicate.Count != n)) return double.NaN;
        var a = usable.Select(f => _scale[f.Name].OwnSd / _scale[f.Name].Sigma).ToList();
        var sums = Enumerable.Range(0, n).Select(j => usable.Sum(f => (f.PerReplicate[j] - Center(f)) / _scale[f.Name].Sigma)).ToList();
        double varSum = sums.Sum(s => s * s) / (n - 1);
        double sumA = a.Sum(), sumA2 = a.Sum(x => x * x);
        return (varSum - sumA2) / (sumA * sumA - sumA2);
    }

    /// <summary>The centre of the replicate values, which the spread is measured around (a figure's mean may be a corrected statistic).</summary>
    private static double Center(Figure f) => f.PerReplicate.Count > 0 ? f.PerReplicate.Average() : f.Mean;

    /// <summary>The standard normal quantile, as Student's t with very many degrees of freedom.</summary>
    private static double NormalQuantile(double p) => StudentT.Quantile(p, 1e7);
}

using ScottPlot;

namespace NtkRepro.Judgement.Reporting;

/// <summary>Line charts for the report, one PNG per panel, with a band of ± one standard error where one was measured.</summary>
public static class Plots
{
    /// <param name="Spread">Standard error at each point (null: no band); the band is mean ± one standard error.</param>
    public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<double>? Spread = null);

    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd"), Color.FromHex("#ff7f0e"), Color.FromHex("#8c564b"),
    ];

    /// <param name="logY">Plot log10 of the values with 10^k tick labels (values ≤ 0 are left out).</param>
    /// <param name="dashed">Series (by label) drawn dashed, e.g. reference lines.</param>
    public static void Line(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        bool logY = false, double? verticalLineAt = null, IReadOnlySet<string>? dashed = null, double? yMin = null, double? yMax = null)
    {
        var plot = new Plot();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = Palette[i % Palette.Length];
            var points = Enumerable.Range(0, s.X.Count)
                .Select(j => (X: s.X[j], Y: s.Y[j], E: s.Spread is null ? double.NaN : s.Spread[j]))
                .Where(p => !double.IsNaN(p.Y) && (!logY || p.Y > 0)).ToList();
            if (points.Count == 0) continue;
            double Map(double y) => logY ? Math.Log10(Math.Max(y, 1e-300)) : y;
            var xs = points.Select(p => p.X).ToArray();
            if (s.Spread is not null && points.Count > 1 && points.All(p => double.IsFinite(p.E)))
            {
                var band = plot.Add.FillY(xs, points.Select(p => Map(logY ? Math.Max(p.Y - p.E, p.Y / 10) : p.Y - p.E)).ToArray(),
                    points.Select(p => Map(p.Y + p.E)).ToArray());
                band.FillColor = color.WithAlpha(0.2);
                band.LineColor = Colors.Transparent;
            }
            var scatter = plot.Add.Scatter(xs, points.Select(p => Map(p.Y)).ToArray());
            scatter.LegendText = s.Label;
            scatter.Color = color;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 6;
            if (dashed?.Contains(s.Label) == true) scatter.LinePattern = LinePattern.Dashed;
        }
        if (verticalLineAt is { } v)
        {
            var line = plot.Add.VerticalLine(v);
            line.LinePattern = LinePattern.Dotted;
            line.Color = Colors.Gray;
        }
        if (logY)
        {
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => $"1e{y:0}",
            };
            plot.Axes.Left.TickGenerator = ticks;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"{yLabel} (log scale)" : yLabel);
        plot.ShowLegend(Edge.Right);
        plot.Axes.AutoScale();
        if (yMin is not null || yMax is not null)
        {
            var limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(yMin ?? limits.Bottom, yMax ?? limits.Top);
        }
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var partial = full + ".partial.png";
        plot.SavePng(partial, 640, 420);
        File.Move(partial, full, overwrite: true);
    }
}

using ScottPlot;

namespace NtkRepro.Reporting;

/// <summary>Line charts for the report, one PNG per panel.</summary>
public static class Plots
{
    public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

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
            var points = s.X.Zip(s.Y).Where(p => !double.IsNaN(p.Second) && (!logY || p.Second > 0)).ToList();
            if (points.Count == 0) continue;
            var xs = points.Select(p => p.First).ToArray();
            var ys = points.Select(p => logY ? Math.Log10(p.Second) : p.Second).ToArray();
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = s.Label;
            scatter.Color = Palette[i % Palette.Length];
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

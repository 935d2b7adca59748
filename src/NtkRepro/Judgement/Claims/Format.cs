using System.Globalization;
using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Judgement.Claims;

/// <summary>How estimates are written in verdicts and reports: mean ± standard error (n).</summary>
public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Number(double x) => double.IsNaN(x) ? "—" : x.ToString("G4", Inv);
    public static string Percent(double x) => double.IsNaN(x) ? "—" : (x * 100).ToString("F1", Inv) + "%";
    public static string Points(double x) => double.IsNaN(x) ? "—" : (x * 100).ToString("F1", Inv);

    /// <summary>"46.2% ± 1.3 (n = 4)" for a fraction shown as a percentage, "0.0123 ± 0.0021 (n = 4)" otherwise.</summary>
    public static string Estimate(Estimate e, string unit)
    {
        if (double.IsNaN(e.Mean) && e.Replicates == 0) return "—";
        string mean = unit == "%" ? Percent(e.Mean) : Number(e.Mean);
        string se = !e.HasUncertainty ? "no spread measured" : unit == "%" ? "± " + Points(e.StandardError) : "± " + Number(e.StandardError);
        return $"{mean} {se} (n = {e.Replicates})";
    }

    public static string Value(double x, string unit) => unit == "%" ? Percent(x) : Number(x);
}

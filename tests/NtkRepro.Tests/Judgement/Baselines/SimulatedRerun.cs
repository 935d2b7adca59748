using NtkRepro.Judgement.Baselines;
using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Tests.Judgement.Baselines;

/// <summary>
/// Reruns simulated from a snapshot's own replicates: each new replicate is the replicates' mean
/// plus a Gaussian combination of their deviations, so the simulated figures have the baseline's
/// per-figure spread and its correlation between figures (replicates that share a parent stay
/// alike across figures). Only noise differs: what a rerun on another machine looks like at best.
/// </summary>
public static class SimulatedRerun
{
    public static FigureSet Draw(FigureSet baseline, Random rng)
    {
        int n = baseline.Figures.Max(f => f.PerReplicate.Count);
        // One weight matrix for the whole snapshot: replicate j of the rerun draws the same combination in every figure.
        var g = new double[n, n];
        for (int j = 0; j < n; j++)
            for (int l = 0; l < n; l++) g[j, l] = Gaussian(rng);
        var figures = baseline.Figures.Select(f =>
        {
            int k = f.PerReplicate.Count;
            if (k < 2) return f;
            double center = f.PerReplicate.Average();
            var values = Enumerable.Range(0, k).Select(j =>
                center + Enumerable.Range(0, k).Sum(l => g[j, l] * (f.PerReplicate[l] - center)) / Math.Sqrt(k - 1)).ToList();
            var e = Estimate.FromReplicates(values);
            return f with { Mean = f.Mean - center + e.Mean, StandardError = e.StandardError, PerReplicate = values };
        }).ToList();
        return baseline with { Figures = figures, Fingerprint = null };
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}

using System.Text;
using NtkRepro.Judgement.Baselines;
using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Reporting;

public static partial class ReportWriter
{
    /// <summary>Mean and standard error over replicates at each x of a per-replicate curve (x present in every replicate).</summary>
    private static Plots.Series Band(string label, IReadOnlyList<IReadOnlyList<(double X, double Y)>> curves)
    {
        var xs = curves.Count == 0 ? [] : curves[0].Select(p => p.X).Where(x => curves.All(c => c.Any(p => p.X == x))).ToList();
        var estimates = xs.Select(x => Estimate.FromReplicates(curves.Select(c => c.First(p => p.X == x).Y).ToList())).ToList();
        return new Plots.Series($"{label} (n = {curves.Count})", xs, estimates.Select(e => e.Mean).ToList(),
            estimates.Select(e => e.HasUncertainty ? e.StandardError : double.NaN).ToList());
    }

    /// <summary>Stage 1's training accuracy and loss, epoch by epoch (the premises read them), mean ± SE over replicates.</summary>
    private static void TrainingCurves(StringBuilder md, ReproductionResults r, VariantResults v, Func<string, Action<string>, string> fig)
    {
        var curves = v.Stage1.Where(s => s.TrainingCurve is { Count: > 0 }).GroupBy(s => s.Schedule).OrderBy(g => g.Key).ToList();
        if (curves.Count == 0) return;
        List<Plots.Series> Of(Func<EpochMetrics, double> y) => curves.Select(g => Band(Schedule.Name(g.Key),
            g.Select(s => (IReadOnlyList<(double, double)>)s.TrainingCurve!.Select(e => (e.Epoch + 1.0, y(e))).ToList()).ToList())).ToList();
        md.AppendLine(fig("fig1e-training-accuracy.png", p => Plots.Line(p, "Stage-1 training accuracy (clean steps)", "epoch", "training accuracy",
            Of(e => e.Accuracy), verticalLineAt: r.SwitchEpoch, yMin: 0, yMax: 1)));
        md.AppendLine(fig("fig1f-training-loss.png", p => Plots.Line(p, "Stage-1 training loss (clean steps)", "epoch", "training loss",
            Of(e => e.Loss), logY: true, verticalLineAt: r.SwitchEpoch)));
    }

    private static void KernelSection(StringBuilder md, ReproductionResults r, VariantResults v, string folder, string prefix)
    {
        var runs = v.Stage1.Where(s => s.Kernels is not null).GroupBy(s => s.Schedule).OrderBy(g => g.Key).ToList();
        if (runs.Count == 0) return;
        md.AppendLine("## Kernel evolution in stage 1 (Fig. 1)");
        md.AppendLine();
        md.AppendLine($"Kernels on {runs[0].First().Kernels!.Points} training points (class-balanced, the same points for every run); " +
                      "distances, velocities and effective rank use the trace kernel (1/C)Σ_c K_cc, specialization the class blocks. " +
                      $"Lines are means over replicates, bands ± one standard error; the dotted line marks the switch run's switch to adversarial training (epoch {r.SwitchEpoch}).");
        md.AppendLine();
        Plots.Series Curve(IGrouping<ScheduleKind, Stage1Result> g, Func<KernelSeries, IEnumerable<(double, double)>> points) =>
            Band(Schedule.Name(g.Key), g.Select(s => (IReadOnlyList<(double, double)>)points(s.Kernels!).ToList()).ToList());
        string Fig(string name, Action<string> draw)
        {
            draw(Path.Combine(folder, prefix + name));
            return $"![{prefix + name}]({prefix + name})";
        }
        md.AppendLine(Fig("fig1a-velocity.png", p => Plots.Line(p, "Kernel velocity dS/dt (Fig. 1a)", "epoch", "velocity",
            runs.Select(g => Curve(g, k => k.Velocities.Select(x => (x.MidEpoch, x.Value)))).ToList(), logY: true, verticalLineAt: r.SwitchEpoch)));
        md.AppendLine(Fig("fig1b-distance-to-final.png", p => Plots.Line(p, "Kernel distance to the final kernel (Fig. 1b)", "epoch", "S(K_t, K_final)",
            runs.Select(g => Curve(g, k => k.Checkpoints.Select(c => (c.Epoch, c.DistanceToFinal)))).ToList(), verticalLineAt: r.SwitchEpoch, yMin: 0)));
        md.AppendLine(Fig("fig1c-effective-rank.png", p => Plots.Line(p, "Effective rank of the trace kernel (Fig. 1c)", "epoch", "effective rank",
            runs.Select(g => Curve(g, k => k.Checkpoints.Select(c => (c.Epoch, c.EffectiveRank)))).ToList(), verticalLineAt: r.SwitchEpoch)));
        // Not measured where the kernel points cover only some classes (CIFAR-100): no figure then.
        bool specialized = runs.All(g => g.All(s => s.Kernels!.Checkpoints.All(c => c.MeanSpecialization is not null)));
        if (specialized)
            md.AppendLine(Fig("fig1d-specialization.png", p => Plots.Line(p, "Mean kernel specialization (Fig. 1d)", "epoch", "(1/C) Σ KSM(c,c)",
                runs.Select(g => Curve(g, k => k.Checkpoints.Select(c => (c.Epoch, c.MeanSpecialization!.Value)))).ToList(), verticalLineAt: r.SwitchEpoch)));
        TrainingCurves(md, r, v, Fig);
        md.AppendLine();
        md.AppendLine("| run | n | final clean | final robust | effective rank, first → last | mean specialization, first → last |");
        md.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var g in runs)
        {
            var evals = v.FinalEvals(g.Key).Where(e => e.Eval.CleanCorrect is not null).ToList();
            string clean = evals.Count > 0 ? Format.Estimate(ClaimData.Accuracy(evals, false).Value, "%") : "—";
            string robust = evals.Count == 0 ? "—"
                : evals.All(e => e.Eval.RobustAccuracyValid) ? Format.Estimate(ClaimData.Accuracy(evals, true).Value, "%") : "invalid (attack sanity failed)";
            Estimate At(Func<KernelSeries, double> f) => Estimate.FromReplicates(g.Select(s => f(s.Kernels!)).ToList());
            string Pair(Func<KernelPoint, double?> f) => g.Any(s => f(s.Kernels!.Checkpoints[0]) is null || f(s.Kernels!.Checkpoints[^1]) is null)
                ? "not measured (the kernel points cover only some classes)"
                : $"{Format.Estimate(At(k => f(k.Checkpoints[0])!.Value), "")} → {Format.Estimate(At(k => f(k.Checkpoints[^1])!.Value), "")}";
            md.AppendLine($"| {Schedule.Name(g.Key)} | {g.Count()} | {clean} | {robust} | {Pair(c => c.EffectiveRank)} | {Pair(c => c.MeanSpecialization)} |");
        }
        md.AppendLine();
        var figures = FigureSet.From(r with { Variants = [v] }, []).Figures.Where(f => f.Name.Contains(".kernels.")).ToList();
        if (figures.Count > 0)
        {
            md.AppendLine("Distances between runs' kernels on the same points, per replicate averaged over the other schedule's (or the other replicates') final kernels: " +
                          "`benign_to_benign` and `adversarial_to_adversarial` are the noise floor that the benign–AT distance must exceed.");
            md.AppendLine();
            md.AppendLine("| kernels | S (mean ± SE, n) |");
            md.AppendLine("|---|---|");
            foreach (var f in figures)
                md.AppendLine($"| {f.Name[(f.Name.IndexOf(".kernels.", StringComparison.Ordinal) + 9)..]} | " +
                    $"{Format.Estimate(new Estimate(f.Mean, f.StandardError, f.DegreesOfFreedom, f.PerReplicate), "")} |");
            md.AppendLine();
        }
    }
}

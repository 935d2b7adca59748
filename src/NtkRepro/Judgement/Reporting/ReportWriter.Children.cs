using System.Globalization;
using System.Text;
using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Reporting;

public static partial class ReportWriter
{
    private static void ChildrenSection(StringBuilder md, ReproductionResults r, VariantResults v, string folder, string prefix)
    {
        if (v.Children.Count == 0) return;
        md.AppendLine("## Stage 2: dynamics around a fixed parent (Fig. 2)");
        md.AppendLine();
        md.AppendLine($"Children trained benignly for {v.Children[0].Epochs} epochs from each spawn epoch; evaluated with {v.Children[0].Eval.Attack} on {v.Children[0].Eval.Count} test images. " +
                      "The dashed line is the parent itself at the spawn epoch. Bands: ± one standard error (replicates and test set)." +
                      (v.Children.All(c => c.Eval.RobustAccuracyValid) && v.Parents.All(p => p.Eval.RobustAccuracyValid) ? ""
                          : " A robust point whose attack failed its sanity checks is left out (no robust figure is read from it)."));
        md.AppendLine();
        foreach (var parent in v.Children.Select(c => c.Parent).Distinct().Order())
            foreach (var (robust, label) in new[] { (true, "robust accuracy (PGD)"), (false, "clean accuracy") })
            {
                var series = v.Children.Where(c => c.Parent == parent).GroupBy(c => c.Dynamics).OrderBy(g => g.Key).Select(g =>
                {
                    var pts = g.GroupBy(c => c.SpawnEpoch).OrderBy(x => x.Key).Where(x => Plotted(x.Select(c => c.Eval), robust))
                        .Select(x => (x.Key, ClaimData.Accuracy(x.Select(c => new ReplicateEval(c.Replicate, c.Eval)).ToList(), robust).Value)).ToList();
                    return new Plots.Series(g.Key.Name(), pts.Select(p => p.Key).ToList(), pts.Select(p => p.Item2.Mean).ToList(), pts.Select(p => p.Item2.StandardError).ToList());
                }).ToList();
                var pp = v.Parents.Where(x => x.Schedule == parent).GroupBy(x => x.Epoch).OrderBy(x => x.Key).Where(x => Plotted(x.Select(y => y.Eval), robust))
                    .Select(x => (x.Key, ClaimData.Accuracy(x.Select(y => new ReplicateEval(y.Replicate, y.Eval)).ToList(), robust).Value)).ToList();
                string parentLabel = $"{Schedule.Name(parent)} parent (no stage 2)";
                series.Add(new Plots.Series(parentLabel, pp.Select(p => p.Key).ToList(), pp.Select(p => p.Item2.Mean).ToList(), pp.Select(p => p.Item2.StandardError).ToList()));
                string name = $"{prefix}fig2-{Schedule.Name(parent)}-parent-{(robust ? "robust" : "clean")}.png";
                Plots.Line(Path.Combine(folder, name), $"{label}, {Schedule.Name(parent)} parent (Fig. 2)", "spawn epoch", label, series, dashed: new HashSet<string> { parentLabel }, yMin: 0);
                md.AppendLine($"![{name}]({name})");
            }
        var linear = v.Children.Where(c => c.Dynamics.Kind().HasFirstOrderRatio && c.Eval.FirstOrderRatio is not null).ToList();
        if (linear.Count > 0)
        {
            string name = $"{prefix}fig2-first-order.png";
            Plots.Line(Path.Combine(folder, name), "‖Δf‖² / ‖f0‖² of linearized children (Fig. 2 right)", "spawn epoch", "‖Δf‖²/‖f0‖²",
                linear.GroupBy(c => c.Parent).OrderBy(g => g.Key).Select(g => Band($"{Schedule.Name(g.Key)} parent",
                    g.GroupBy(c => c.Replicate)
                        .Select(rep => (IReadOnlyList<(double, double)>)rep.OrderBy(c => c.SpawnEpoch).Select(c => (c.SpawnEpoch, c.Eval.FirstOrderRatio!.Value)).ToList())
                        .ToList())).ToList(),
                logY: true);
            md.AppendLine($"![{name}]({name})");
        }
        md.AppendLine();
        md.AppendLine("Final training loss: mean ± SE, then each replicate's; its change over the last quarter of stage 2 (final minus the loss three quarters through; near 0 when converged).");
        md.AppendLine();
        md.AppendLine("| parent | spawn | dynamics | n | clean | robust | ‖Δf‖²/‖f0‖² | final training loss | change, last quarter |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var g in v.Parents.GroupBy(p => (p.Schedule, p.Epoch)).OrderBy(g => g.Key.Schedule).ThenBy(g => g.Key.Epoch))
        {
            var evals = g.Select(p => new ReplicateEval(p.Replicate, p.Eval)).ToList();
            md.AppendLine($"| {Schedule.Name(g.Key.Schedule)} | {E(g.Key.Epoch)} | parent (no stage 2) | {evals.Count} | {Accuracy(evals, false)} | {Accuracy(evals, true)} | | | |");
            foreach (var c in v.Children.Where(c => c.Parent == g.Key.Schedule && c.SpawnEpoch == g.Key.Epoch).GroupBy(c => c.Dynamics).OrderBy(c => c.Key))
            {
                var ce = c.Select(x => new ReplicateEval(x.Replicate, x.Eval)).ToList();
                var ratios = c.Where(x => x.Eval.FirstOrderRatio is not null).Select(x => x.Eval.FirstOrderRatio!.Value).ToList();
                string ratio = !c.Key.Kind().LinearInParameters ? "" : ratios.Count > 0 ? Format.Estimate(Estimate.FromReplicates(ratios), "") : "undefined (f0 = 0)";
                md.AppendLine($"| {Schedule.Name(g.Key.Schedule)} | {E(g.Key.Epoch)} | {c.Key.Name()} | {ce.Count} | {Accuracy(ce, false)} | {Accuracy(ce, true)} | " +
                    $"{ratio} | {FinalLoss(c.ToList())} | {LossChange(c.ToList())} |");
            }
        }
        md.AppendLine();
    }

    /// <summary>The final training loss: mean ± SE, then each replicate's.</summary>
    private static string FinalLoss(IReadOnlyList<ChildResult> children)
    {
        var losses = children.OrderBy(x => x.Replicate).Select(x => x.FinalTrainingLoss).OfType<double>().ToList();
        return losses.Count > 0 ? $"{Format.Estimate(Estimate.FromReplicates(losses), "")}; {string.Join(", ", losses.Select(l => l.ToString("0.00", CultureInfo.InvariantCulture)))}" : "—";
    }

    private static string LossChange(IReadOnlyList<ChildResult> children)
    {
        var changes = children.Select(x => x.LossChangeOverLastQuarter).OfType<double>().ToList();
        return changes.Count > 0 ? Format.Estimate(Estimate.FromReplicates(changes), "") : "—";
    }

    private static string Accuracy(IReadOnlyList<ReplicateEval> evals, bool robust)
    {
        if (robust && evals.FirstOrDefault(e => !e.Eval.RobustAccuracyValid) is { Eval: not null } bad)
            return $"invalid (replicate {bad.Replicate}: {bad.Eval.RobustAccuracyInvalidReason})";
        return evals.All(e => e.Eval.CleanCorrect is not null) ? Format.Estimate(ClaimData.Accuracy(evals, robust).Value, "%")
            : Format.Percent(evals.Average(e => robust ? e.Eval.RobustAccuracy : e.Eval.CleanAccuracy));
    }

    private static void FixedKernelSection(StringBuilder md, VariantResults v)
    {
        if (v.FixedKernel.Count == 0) return;
        md.AppendLine("## Section 7: adversarial training on a fixed kernel");
        md.AppendLine();
        md.AppendLine("| parent | spawn | dynamics | epochs | n | clean | robust |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|");
        foreach (var g in v.FixedKernel.GroupBy(c => (c.Parent, c.SpawnEpoch, c.Dynamics, c.Epochs)))
        {
            var evals = g.Select(c => new ReplicateEval(c.Replicate, c.Eval)).ToList();
            md.AppendLine($"| {Schedule.Name(g.Key.Parent)} | {E(g.Key.SpawnEpoch)} | {g.Key.Dynamics.Name()} (adversarial stage 2) | " +
                $"{g.Key.Epochs} | {evals.Count} | {Accuracy(evals, false)} | {Accuracy(evals, true)} |");
        }
        md.AppendLine();
    }

    private static void SanitySection(StringBuilder md, VariantResults v)
    {
        var evals = v.Stage1.Where(s => s.FinalEval is not null).Select(s => (Name: $"stage 1 {Schedule.Name(s.Schedule)}, replicate {s.Replicate}", Eval: s.FinalEval!))
            .Concat(v.Parents.Select(p => (Name: $"{Schedule.Name(p.Schedule)} parent @ {E(p.Epoch)}, replicate {p.Replicate}", p.Eval)))
            .Concat(v.AllChildren.Select(c => (Name: c.Id.ShortLabel(c.Replicate), c.Eval)))
            .ToList();
        if (evals.Count == 0) return;
        var failed = evals.Where(e => !e.Eval.Sanity.Ok).ToList();
        var masking = evals.Where(e => e.Eval.Sanity.SuspectedGradientMasking).ToList();
        md.AppendLine("## Attack sanity");
        md.AppendLine();
        md.AppendLine("Every evaluation checks that perturbations stay in the ε-ball and in [0,1], that nothing is NaN, and that robust accuracy does not exceed clean accuracy: " +
                      (failed.Count == 0 ? $"all {evals.Count} evaluations pass." : $"**{failed.Count} failed**: {string.Join(", ", failed.Select(f => f.Name))}."));
        md.AppendLine(masking.Count == 0
            ? "No evaluation flags possible gradient masking (an attack that changes no prediction although the input gradient is non-zero)."
            : $"Possible gradient masking flagged: {string.Join(", ", masking.Select(m => m.Name))}.");
        md.AppendLine();
    }

    /// <summary>Whether a point is drawn: a robust accuracy only where every evaluation's attack passed its sanity checks.</summary>
    private static bool Plotted(IEnumerable<EvalResult> evals, bool robust) => !robust || evals.All(e => e.RobustAccuracyValid);
}

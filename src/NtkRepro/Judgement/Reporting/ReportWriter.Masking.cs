using System.Text;
using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Reporting;

public static partial class ReportWriter
{
    /// <summary>
    /// The masking suite's table for every robust figure it ran on: accuracies under each attack,
    /// the per-image worst case, the ε sweep, the transfer attack and the zero-gradient fraction,
    /// means over replicates on the suite's images, and the checks that failed (with the replicate).
    /// </summary>
    private static void MaskingSection(StringBuilder md, ReproductionResults r, VariantResults v)
    {
        var figures = v.Parents.Select(p => (Name: $"{Schedule.Name(p.Schedule)} run @ {E(p.Epoch)}", p.Replicate, p.Eval))
            .Concat(v.Stage1.Where(s => s.FinalEval is not null).Select(s => (Name: $"{Schedule.Name(s.Schedule)} run @ {E(r.Stage1Epochs)}", s.Replicate, Eval: s.FinalEval!)))
            .Concat(v.AllChildren.Select(c => (Name: c.Id.Label, c.Replicate, c.Eval)))
            .Where(f => f.Eval.Masking is not null)
            .DistinctBy(f => (f.Name, f.Replicate))
            .GroupBy(f => f.Name).ToList();
        if (figures.Count == 0) return;
        var any = figures[0].First().Eval.Masking!;
        md.AppendLine("## Gradient-masking checks");
        md.AppendLine();
        md.AppendLine($"Every robust figure a claim uses is attacked again on {any.Subset} by a stronger suite, white-box through the model itself " +
                      $"({string.Join(", ", any.Attacks.Select(a => a.Attack))}); the claim's robust figure is the per-image worst case over the evaluation's attack and the suite. " +
                      $"Checks (fixed before any result): the {any.SweepAttack} sweep must not rise with ε by more than {any.Tolerance} image(s) " +
                      $"and must end at most {Format.Percent(any.MaxAccuracyAtLargestRadius)} at the largest radius; " +
                      "no non-finite gradients. A transfer attack crafted on the parent must not beat the white-box suite: pooled over a figure's replicates, the images it alone breaks " +
                      "are compared with the images the strongest white-box attack alone breaks (one-sided sign test; " +
                      $"p < {MaskingMethodP} flags the figure). That rule replaced a per-replicate allowance of {any.Tolerance} image(s) " +
                      "after a 1-thread rerun showed the per-replicate decision changing with floating-point rounding; " +
                      "it is a rule changed after seeing results. " +
                      "A figure that fails makes its claims inconclusive. Means over replicates; the evaluation's own figure (all test images) first.");
        md.AppendLine();
        var radii = any.Sweep.Select(s => s.Epsilon).ToList();
        md.AppendLine($"| figure | n | evaluation's attack (all images) | clean | {string.Join(" | ", any.Attacks.Select(a => a.Attack))} | worst case | " +
            $"{string.Join(" | ", radii.Select(r => $"ε {r * 255:0.#}/255"))} | transfer | transfer alone : white-box alone | zero ∇ₓ | checks |");
        md.AppendLine($"|---|---:|---:|---:|{string.Concat(any.Attacks.Select(_ => "---:|"))}---:|{string.Concat(radii.Select(_ => "---:|"))}---:|---:|---:|---|");
        foreach (var g in figures)
        {
            var reports = g.Select(f => f.Eval.Masking!).ToList();
            string Mean(Func<MaskingReport, double?> f) => reports.Select(f).OfType<double>().ToList() is { Count: > 0 } xs ? Format.Percent(xs.Average()) : "—";
            var failures = g.Where(f => !f.Eval.Masking!.Ok).Select(f => $"r{f.Replicate}: {string.Join("; ", f.Eval.Masking!.FailedChecks)}").ToList();
            var transfer = ClaimData.TransferCheck(g.Select(f => new ReplicateEval(f.Replicate, f.Eval)));
            if (transfer is { TransferStronger: true }) failures.Add(transfer.Describe());
            string transferCell = transfer is null ? "—" : $"{transfer.TransferOnly} : {transfer.WhiteBoxOnly} (p {transfer.PValue:0.###})";
            md.AppendLine($"| {g.Key} | {reports.Count} | {Format.Percent(g.Average(f => f.Eval.UncheckedRobustAccuracy))} | {Mean(m => m.CleanAccuracy)} | " +
                          $"{string.Join(" | ", any.Attacks.Select((a, i) => Mean(m => i < m.Attacks.Count ? m.Attacks[i].Accuracy : null)))} | {Mean(m => m.WorstCaseAccuracy)} | " +
                          $"{string.Join(" | ", radii.Select((r, i) => Mean(m => i < m.Sweep.Count ? m.Sweep[i].Accuracy : null)))} | {Mean(m => m.TransferAccuracy)} | {transferCell} | " +
                          $"{Mean(m => m.ZeroGradientFraction)} | {(failures.Count == 0 ? "pass" : "**" + Cell(string.Join(" · ", failures)) + "**")} |");
        }
        md.AppendLine();
    }

    private static readonly string MaskingMethodP = MaskingChecks.TransferAlpha.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

using System.Globalization;
using NtkRepro.Claims;
using NtkRepro.Experiments;
using NtkRepro.Runs;

namespace NtkRepro.Reporting;

/// <summary>
/// One measured figure of a preset, with the tolerance a rerun on another machine must stay
/// within: |received − baseline| ≤ Abs + Rel·|baseline|. The pipeline is deterministic on one
/// machine and thread count; the tolerances absorb floating-point drift across machines and
/// were set from the kind of figure, not from observed differences.
/// </summary>
public sealed record Figure(string Name, double? Value, double Abs, double Rel)
{
    public bool Matches(double? baseline) =>
        Value is null || baseline is null ? Value is null && baseline is null
            : Math.Abs(Value.Value - baseline.Value) <= Abs + Rel * Math.Abs(baseline.Value);

    public string ToleranceText => (Abs, Rel) switch
    {
        (> 0, 0) => $"±{Abs.ToString("G3", CultureInfo.InvariantCulture)}",
        (0, > 0) => $"±{Rel * 100:G3}%",
        _ => $"±({Abs.ToString("G3", CultureInfo.InvariantCulture)} + {Rel * 100:G3}%)",
    };
}

/// <summary>A claim's verdict as snapshotted: a change of verdict is a reviewed change.</summary>
public sealed record VerdictEntry(string Id, string Status);

/// <summary>The snapshot of a preset's results: its figures with tolerances and its verdicts.</summary>
public sealed record FigureSet(string Preset, IReadOnlyList<Figure> Figures, IReadOnlyList<VerdictEntry> Verdicts)
{
    private const double Accuracy = 0.03;      // 3 points
    private const double KernelRel = 0.25;     // kernel distances, velocities, ratios
    private const double RankRel = 0.10;       // effective rank
    private const double Specialization = 0.05;

    public static FigureSet From(ReproductionResults r, IReadOnlyList<ClaimVerdict> verdicts)
    {
        var f = new List<Figure>();
        static string E(double e) => e.ToString("0.###", CultureInfo.InvariantCulture);
        foreach (var s in r.Stage1.Where(s => s.Seed == r.Stage1[0].Seed))
        {
            string p = $"stage1.{s.Schedule}";
            f.Add(new($"{p}.final.clean", s.FinalEval.CleanAccuracy, Accuracy, 0));
            f.Add(new($"{p}.final.robust", s.FinalEval.RobustAccuracy, Accuracy, 0));
            foreach (var c in s.Kernels.Checkpoints)
            {
                f.Add(new($"{p}.kernel@{E(c.Epoch)}.distance_to_final", c.DistanceToFinal, 0.01, KernelRel));
                f.Add(new($"{p}.kernel@{E(c.Epoch)}.effective_rank", c.EffectiveRank, 0, RankRel));
                f.Add(new($"{p}.kernel@{E(c.Epoch)}.mean_specialization", c.MeanSpecialization, Specialization, 0));
            }
            foreach (var v in s.Kernels.Velocities)
                f.Add(new($"{p}.velocity@{E(v.FromEpoch)}-{E(v.ToEpoch)}", v.Value, 0, KernelRel));
        }
        foreach (var c in r.CrossKernels.Take(1))
        {
            f.Add(new("kernels.benign_vs_adversarial_final", c.BenignVsAdversarialFinal, 0.01, KernelRel));
            foreach (var p in c.SwitchRun)
            {
                f.Add(new($"kernels.switch@{E(p.Epoch)}.to_benign_final", p.ToBenignFinal, 0.01, KernelRel));
                f.Add(new($"kernels.switch@{E(p.Epoch)}.to_adversarial_final", p.ToAdversarialFinal, 0.01, KernelRel));
            }
        }
        foreach (var p in r.Parents.Where(p => p.Seed == r.Stage1[0].Seed))
        {
            f.Add(new($"parent.{p.Schedule}@{E(p.Epoch)}.clean", p.Eval.CleanAccuracy, Accuracy, 0));
            f.Add(new($"parent.{p.Schedule}@{E(p.Epoch)}.robust", p.Eval.RobustAccuracy, Accuracy, 0));
        }
        foreach (var c in r.Children.Concat(r.FixedKernel).Where(c => c.Seed == r.Stage1[0].Seed))
        {
            string p = $"child.{(c.Adversarial ? "fixed_kernel_at." : "")}{c.ParentSchedule}@{E(c.SpawnEpoch)}.{c.Dynamics}";
            f.Add(new($"{p}.clean", c.Eval.CleanAccuracy, Accuracy, 0));
            f.Add(new($"{p}.robust", c.Eval.RobustAccuracy, Accuracy, 0));
            if (c.Dynamics == "linearized" && !c.Adversarial) f.Add(new($"{p}.first_order_ratio", c.Eval.FirstOrderRatio, 0.001, KernelRel));
        }
        return new FigureSet(r.Preset, f, verdicts.Select(v => new VerdictEntry(v.Id, v.Status)).ToList());
    }

    /// <summary>A figure outside its tolerance, or present on one side only.</summary>
    public sealed record Difference(string Name, double? Baseline, double? Received, string Tolerance);

    public IReadOnlyList<Difference> CompareTo(FigureSet baseline)
    {
        var old = baseline.Figures.ToDictionary(x => x.Name);
        var diffs = new List<Difference>();
        foreach (var x in Figures)
        {
            if (!old.TryGetValue(x.Name, out var b)) diffs.Add(new(x.Name, null, x.Value, "new figure"));
            else if (!x.Matches(b.Value)) diffs.Add(new(x.Name, b.Value, x.Value, x.ToleranceText));
        }
        diffs.AddRange(baseline.Figures.Where(b => Figures.All(x => x.Name != b.Name)).Select(b => new Difference(b.Name, b.Value, null, "figure gone")));
        var oldVerdicts = baseline.Verdicts.ToDictionary(v => v.Id, v => v.Status);
        foreach (var v in Verdicts)
            if (!oldVerdicts.TryGetValue(v.Id, out var s) || s != v.Status)
                diffs.Add(new($"verdict {v.Id}: {s ?? "none"} → {v.Status}", null, null, "verdicts must match"));
        return diffs;
    }

    public static string FormatDifferences(IReadOnlyList<Difference> diffs)
    {
        static string V(double? v) => v is { } x ? x.ToString("G6", CultureInfo.InvariantCulture) : "—";
        var lines = new List<string> { $"{"figure",-60} {"baseline",14} {"received",14}  tolerance" };
        lines.AddRange(diffs.Select(d => $"{d.Name,-60} {V(d.Baseline),14} {V(d.Received),14}  {d.Tolerance}"));
        return string.Join("\n", lines);
    }
}

using System.Globalization;
using System.Text;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// The presets as a Markdown table, derived from <see cref="Presets.All"/> and their plans: what the
/// README shows (a test keeps the two equal, so the table cannot go stale).
/// </summary>
public static class PresetTable
{
    public static string Markdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| preset | data | model | ε (/255) | replicates | epochs (stage 1 + 2) | steps | waves | estimated compute |");
        sb.AppendLine("|---|---|---|---|---:|---|---:|---:|---|");
        foreach (var p in Presets.All)
        {
            var plan = Planner.For(p);
            var data = string.Join(", ", p.Datasets) + (p.TrainPerClass is { } m ? $": {m}/class train" : ": all train") + (p.TestCount is { } n ? $", {n} test" : ", all test");
            var radii = string.Join(", ", p.Epsilons255.Select(e => e.ToString("0.##", inv)))
                        + string.Concat(p.ReducedRadii.Select(r => $"; {r.Epsilon255.ToString("0.##", inv)} reduced"));
            var replicates = p.Replicates.ToString(inv) + string.Concat(p.ReducedRadii.Select(r => $" ({r.Replicates} at {r.Epsilon255.ToString("0.##", inv)})"));
            // Measured step costs where the preset keeps them (as measured, unscaled: the table must not depend on the machine reading it), else the image-pass estimate.
            var kept = StepCosts.Kept(p.Name);
            var model = new CostModel(plan, kept, kept?.CalibrationSeconds ?? 0);
            double hours = plan.Steps.Sum(model.Seconds) / 3600;
            var amount = hours < 1 ? $"{Math.Max(1, Math.Round(hours * 60)).ToString("N0", inv)} min" : $"{hours.ToString(hours < 10 ? "0.#" : "N0", inv)} h";
            var compute = $"{amount} of {(p.NeedsGpu ? "GPU" : "CPU")} steps" + (kept is null ? " (estimate)" : " (measured)");
            sb.AppendLine($"| `{p.Name}` | {data} | {p.Architecture}, width {p.Width} | {radii} | {replicates} | " +
                $"{p.Stage1Epochs} + {p.Stage2Epochs} | {plan.Steps.Count:N0} | {plan.Waves.Count} | {compute} |");
        }
        return sb.ToString();
    }
}

using System.Text;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Reporting;

public static partial class ReportWriter
{
    /// <summary>
    /// Section 8: the eigen-image grids of replicate 0 (rows: initial, benign, AT kernels) and the
    /// proxy behind C16 for every replicate and class, next to each other.
    /// </summary>
    private static void EigenSection(StringBuilder md, ReproductionResults r, VariantResults v, string folder, string prefix, string storeRoot)
    {
        var runs = v.EigenImages ?? [];
        if (runs.Count == 0) return;
        md.AppendLine("## Section 8: NTK eigenvector images (C16)");
        md.AppendLine();
        md.AppendLine($"From a grey image, signed-gradient ascent on cos(∇θ f_c(x), J_cᵀu_i) for the top eigenvectors u_i of the class kernel K_cc " +
                      $"({runs[0].Report.Rows[0].Steps} steps of {runs[0].Report.Rows[0].StepSize}); rows: initial (epoch 0), benign and AT kernels at the end of training. " +
                      $"Proxy: {runs[0].Report.Proxy}.");
        md.AppendLine();
        foreach (var run in runs.Where(x => x.Replicate == runs.Min(y => y.Replicate)).OrderBy(x => x.Class))
        {
            var source = Path.Combine(storeRoot, run.Grid);
            if (!File.Exists(source)) continue;
            var name = $"{prefix}eigen-class-{run.Class}.png";
            File.Copy(source, Path.Combine(folder, name), overwrite: true);
            md.AppendLine($"![eigen-images, class {run.Class}, replicate {run.Replicate}]({name})");
            md.AppendLine();
            md.AppendLine($"Class {run.Class}, replicate {run.Replicate}; columns: {string.Join(", ", run.Report.Columns)}.");
            md.AppendLine();
        }
        md.AppendLine("| replicate | class | initial | benign | adversarial |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var run in runs.OrderBy(x => x.Replicate).ThenBy(x => x.Class))
        {
            string Energies(EigenKernel kernel) => run.EigenvectorEnergies(kernel) is { } e ? string.Join(" / ", e.Select(x => x.ToString("0.000", Inv))) : "—";
            md.AppendLine($"| {run.Replicate} | {run.Class} | {string.Join(" | ", Enum.GetValues<EigenKernel>().Select(Energies))} |");
        }
        md.AppendLine();
        md.AppendLine("Cells: the low-frequency energy of the u1 / u2 / u3 images.");
        md.AppendLine();
    }
}

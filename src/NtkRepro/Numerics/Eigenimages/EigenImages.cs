using System.Diagnostics;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Eigenimages;

/// <summary>
/// NTK eigenvector images (PROTOCOL §5, paper §8, claim C16) for one network: the top eigenvectors
/// u_i of a class kernel K_cc on the kernel subset, their parameter directions v_i = J_cᵀu_i, and
/// images grown from grey by signed-gradient ascent on cos(∇_θf_c(x), v_i); optionally descent
/// ("negative") images and the kernel-regression direction J_cᵀK_cc⁻¹y_c.
/// </summary>
public static class EigenImages
{
    public const string ProxyDefinition =
        "low-frequency energy: d = x - 0.5; per channel the 2-D DFT F(d); the fraction of sum |F(k)|^2 (DC term k=(0,0) excluded), " +
        "summed over channels, at frequencies max(|kx|,|ky|) <= 4 cycles per image (frequencies in -16..15); white noise ~ 0.078";

    /// <param name="model">In eval mode.</param>
    /// <param name="images">The kernel subset (N, C, H, W), on the model's device.</param>
    /// <param name="labels">The subset's labels (for the regression target y_c).</param>
    /// <param name="classKernel">K_cc on <paramref name="images"/> if already computed (e.g. a stored kernel); computed otherwise.</param>
    public static EigenImageResult Run(NtkModel model, Tensor images, IReadOnlyList<long> labels, int cls, EigenImageConfig config,
        IProgressSink progress, Tensor? classKernel = null, string label = "", string? checkpoint = null)
    {
        int n = (int)images.shape[0];
        config.Validate(n);
        if (labels.Count != n) throw new ArgumentException($"eigen-images: {labels.Count} labels for {n} images");
        if (cls < 0 || cls >= model.Spec.Classes) throw new ArgumentException($"class {cls}: the model has classes 0..{model.Spec.Classes - 1}");
        if (model.training) throw new InvalidOperationException("eigen-images: the model must be in eval mode (BN running statistics)");
        using var scope = torch.NewDisposeScope();
        var kernel = classKernel ?? EmpiricalNtk.ClassPair(model, images, cls, cls);
        if (kernel.shape.Length != 2 || kernel.shape[0] != n || kernel.shape[1] != n)
            throw new ArgumentException($"eigen-images: the class kernel has shape ({string.Join(", ", kernel.shape)}), expected ({n}, {n})");
        using var eig = EigenDirections.Top(kernel, config.Eigenvectors);
        double trace = kernel.to(ScalarType.Float64).diagonal().sum().ToDouble();
        var values = eig.Values.data<double>().ToArray();

        var directions = new List<Tensor>();
        var specs = new List<(string Column, string Kind, int? Index, double? Value, int Sign)>();
        for (int i = 0; i < config.Eigenvectors; i++)
        {
            directions.Add(EigenDirections.ParameterDirection(model, images, cls, eig.Vectors[.., i]));
            specs.Add(($"u{i + 1}", "eigenvector", i + 1, values[i], 1));
        }
        for (int i = 0; i < config.Negatives; i++)
        {
            directions.Add(directions[i]);
            specs.Add(($"-u{i + 1}", "negative", i + 1, values[i], -1));
        }
        RegressionSolve? solve = null;
        if (config.Regression)
        {
            var y = torch.tensor(labels.Select(l => l == cls ? 1.0 : 0.0).ToArray(), ScalarType.Float64);
            using var reg = EigenDirections.Regression(kernel, y, config.RelativeRidge, config.RelativeCutoff);
            solve = new RegressionSolve(reg.Ridge, config.RelativeRidge, config.RelativeCutoff, reg.Kept, n, reg.RelativeResidual, reg.ConditionNumber,
                labels.Count(l => l == cls));
            if (reg.Kept < n)
                progress.Log($"eigen-images {label}: K_{cls}{cls} has {n - reg.Kept} of {n} eigenvalues below {config.RelativeCutoff:G2}·λ_max; " +
                             $"the regression direction uses the pseudo-inverse on the rest (residual ‖Ka − y‖/‖y‖ = {reg.RelativeResidual:G3})");
            directions.Add(EigenDirections.ParameterDirection(model, images, cls, reg.Weights));
            specs.Add(("regression", "regression", null, null, 1));
        }
        var norms = directions.Select(d => d.norm().ToDouble()).ToList();
        int zero = norms.FindIndex(v => !(v > 0));
        if (zero >= 0) throw new InvalidOperationException($"eigen-images ({label}): direction {specs[zero].Column} is zero in parameter space");

        var options = config.AscentOptions;
        var clock = Stopwatch.StartNew();
        using var ascent = EigenImageAscent.Run(model, cls, torch.stack(directions), specs.Select(s => s.Sign).ToList(),
            images.shape[1..], options, progress, $"eigen-images {label}".TrimEnd());
        double seconds = clock.Elapsed.TotalSeconds;

        var drawn = new List<EigenImage>();
        for (int b = 0; b < specs.Count; b++)
        {
            var image = ascent.Images[b];
            var trajectory = ascent.Trajectories[b].Select(p => new CosinePoint(p.Step, p.Cosine)).ToList();
            var s = specs[b];
            drawn.Add(new EigenImage(s.Column, s.Kind, s.Index, s.Value, s.Sign, trajectory[0].Cosine, trajectory[^1].Cosine,
                ImageMeasures.LowFrequencyEnergy(image), ImageMeasures.TotalVariation(image), ImageMeasures.MeanAbsChange(image), trajectory)
            {
                Pixels = image.contiguous().data<float>().ToArray(),
                Shape = image.shape,
            });
        }
        progress.Log($"eigen-images {label}: class {cls}, {specs.Count} images, {options.Steps} steps in {seconds:F1} s " +
                     $"({seconds / specs.Count:F2} s per image); low-frequency energy " +
                     string.Join(", ", drawn.Select(d => $"{d.Column} {d.LowFrequencyEnergy:F3}")));
        return new EigenImageResult(label, checkpoint, cls, n, values, values.Select(v => v / trace).ToList(), solve,
            options.Steps, options.StepSize, options.Batched, drawn, seconds, seconds / specs.Count);
    }

    /// <summary>The columns a configuration draws, in order.</summary>
    public static IReadOnlyList<string> Columns(EigenImageConfig config) =>
        Enumerable.Range(1, config.Eigenvectors).Select(i => $"u{i}")
            .Concat(Enumerable.Range(1, config.Negatives).Select(i => $"-u{i}"))
            .Concat(config.Regression ? ["regression"] : []).ToList();

    /// <summary>A PNG grid: one row per result, one column per drawn image, in the results' order.</summary>
    public static void WriteGrid(string path, IReadOnlyList<EigenImageResult> rows, int scale = 4)
    {
        var tensors = rows.Select(r => (IReadOnlyList<Tensor?>)r.Images.Select(i => (Tensor?)i.ToTensor()).ToList()).ToList();
        try
        {
            var (w, h, rgb) = ImageGrid.Compose(tensors, scale);
            PngWriter.Write(path, w, h, rgb);
        }
        finally
        {
            foreach (var t in tensors.SelectMany(r => r)) t?.Dispose();
        }
    }
}

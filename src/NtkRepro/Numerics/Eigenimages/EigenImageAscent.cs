using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Eigenimages;

/// <summary>
/// Signed-gradient ascent on cos(∇_θ f_c(x), v) from a grey image (PROTOCOL §5): x ← clip_[0,1](x +
/// s·step·sign ∇_x cos), s = +1 (ascent) or −1 (descent, the "negative" image). Several images,
/// each with its own direction and sign, move together: the objective Σ_b s_b cos_b separates over
/// images (BN in eval mode), so its gradient w.r.t. image b is s_b ∇cos_b. Deterministic: no random start.
/// </summary>
public static class EigenImageAscent
{
    /// <param name="Steps">Signed-gradient steps (the authors: 600).</param>
    /// <param name="StepSize">Step in pixel units (the authors: 0.001).</param>
    /// <param name="RecordEvery">The cosine trajectory keeps step 0, every this many steps, and the last.</param>
    /// <param name="Batched">All images in one double backward (<see cref="GradientCosine.Batched"/>); false: one per image.</param>
    public sealed record Options(int Steps = 600, double StepSize = 0.001, int RecordEvery = 10, bool Batched = true)
    {
        public void Validate()
        {
            if (Steps < 0) throw new ArgumentException($"ascent steps {Steps}: must be ≥ 0");
            if (!(StepSize > 0) || !double.IsFinite(StepSize)) throw new ArgumentException($"ascent step size {StepSize}: must be a positive number");
            if (RecordEvery < 1) throw new ArgumentException($"record-every {RecordEvery}: must be ≥ 1");
        }
    }

    /// <summary>The final images and their cosine trajectories.</summary>
    /// <param name="Images">(B, 3, H, W) on the CPU, float32, in [0,1].</param>
    /// <param name="Trajectories">Per image: (step, cosine with its direction, unsigned) at the recorded steps.</param>
    public sealed record Result(Tensor Images, IReadOnlyList<IReadOnlyList<(int Step, double Cosine)>> Trajectories) : IDisposable
    {
        public void Dispose() => Images.Dispose();
    }

    /// <param name="directions">(B, P) parameter directions, one per image, in the model's dtype and device.</param>
    /// <param name="signs">+1 ascent, −1 descent, one per image.</param>
    /// <param name="imageShape">(C, H, W) of the model's inputs.</param>
    public static Result Run(NtkModel model, int c, Tensor directions, IReadOnlyList<int> signs, long[] imageShape,
        Options options, IProgressSink? progress = null, string task = "eigen-images")
    {
        options.Validate();
        if (model.training) throw new InvalidOperationException("eigen-image ascent: the model must be in eval mode (BN running statistics)");
        int b = (int)directions.shape[0];
        if (signs.Count != b || signs.Any(s => s is not (1 or -1))) throw new ArgumentException($"eigen-image ascent: need {b} signs, each +1 or -1");
        var first = model.ParameterList()[0];
        var x = torch.full([b, .. imageShape], ImageMeasures.Grey, dtype: first.dtype, device: first.device);
        using var sign = torch.tensor(signs.Select(s => (double)s).ToArray(), dtype: first.dtype, device: first.device);
        var trajectories = Enumerable.Range(0, b).Select(_ => new List<(int, double)>()).ToArray();
        try
        {
            for (int step = 0; step <= options.Steps; step++)
            {
                using var scope = torch.NewDisposeScope();
                using var enable = torch.enable_grad();
                var input = x.detach().requires_grad_(true);
                var cos = options.Batched ? GradientCosine.Batched(model, input, c, directions) : GradientCosine.PerImage(model, input, c, directions);
                bool last = step == options.Steps;
                if (step % options.RecordEvery == 0 || last)
                {
                    var values = cos.detach().cpu().to(ScalarType.Float64).data<double>().ToArray();
                    for (int i = 0; i < b; i++) trajectories[i].Add((step, values[i]));
                    progress?.Report(task, step, options.Steps, $"mean cos {values.Select((v, i) => v * signs[i]).Average():F4}");
                }
                if (last) break;
                var grad = Autograd.Grad([(cos * sign).sum()], [input], inputNames: ["the images"])[0];
                using (torch.no_grad())
                {
                    var next = (x + options.StepSize * grad.sign()).clamp(0, 1);
                    x.Dispose();
                    x = next.MoveToOuterDisposeScope();
                }
            }
            var images = x.detach().cpu().to(ScalarType.Float32);
            return new Result(images, trajectories);
        }
        finally
        {
            x.Dispose();
        }
    }
}

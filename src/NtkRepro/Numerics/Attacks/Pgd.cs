using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// What an attack saw, for sanity checks: torch.sign maps a NaN gradient to 0, so without counting
/// them a NaN gradient would silently turn PGD into its random start.
/// </summary>
public sealed class PgdDiagnostics
{
    public long Steps { get; set; }
    public long NonFiniteGradientSteps { get; set; }
}

public static class Pgd
{
    /// <summary>
    /// Adversarial examples against <paramref name="model"/> (standard, linearized or centered:
    /// the attack differentiates through the classifier itself). BN statistics are used, not
    /// updated: the model is put in eval mode for the attack and its mode restored afterwards.
    /// Model parameters' gradients are not touched.
    /// </summary>
    /// <param name="seed">Seeds the random start.</param>
    /// <param name="diagnostics">When given, counts steps whose input gradient is not finite (one device sync per step).</param>
    public static Tensor Attack(Classifier model, Tensor x, Tensor y, PgdConfig config, long seed, PgdDiagnostics? diagnostics = null)
    {
        config.Validate();
        bool wasTraining = model.IsTraining;
        model.SetTraining(false);
        try
        {
            using var scope = torch.NewDisposeScope();
            using var gen = new Generator((ulong)seed);
            var start = (torch.rand(x.shape, generator: gen, dtype: x.dtype) * 2 - 1) * config.Epsilon;
            var lower = (x - config.Epsilon).clamp_min(0);
            var upper = (x + config.Epsilon).clamp_max(1);
            var adv = (x + start.to(x.device)).clamp(0, 1).detach();
            for (int step = 0; step < config.Steps; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                using var enable = torch.enable_grad();
                var input = adv.requires_grad_(true);
                var loss = F.cross_entropy(model.forward(input), y);
                var grad = Autograd.Grad([loss], [input], inputNames: ["the input images (PGD)"])[0];
                if (diagnostics is not null)
                {
                    diagnostics.Steps++;
                    if (!grad.isfinite().all().item<bool>()) diagnostics.NonFiniteGradientSteps++;
                }
                // Π_ε(clip_[0,1](x + α·sign g)); for x in [0,1] this is the clamp to [max(x−ε,0), min(x+ε,1)].
                var next = torch.min(torch.max(input.detach() + config.StepSize * grad.sign(), lower), upper).MoveToOuterDisposeScope();
                adv.Dispose();
                adv = next;
            }
            return adv.detach().MoveToOuterDisposeScope();
        }
        finally
        {
            model.SetTraining(wasTraining);
        }
    }
}

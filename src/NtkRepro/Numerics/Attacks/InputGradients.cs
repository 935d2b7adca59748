using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// Where a gradient attack is blind: the images whose input gradient of their own cross-entropy
/// is exactly zero (a piecewise-constant classifier, or a softmax so saturated that the gradient
/// underflows). Computed as the evaluator does, on the summed loss so that each image's gradient
/// is its own, unscaled.
/// </summary>
public static class InputGradients
{
    /// <summary>Per image whether ∇ₓ CE(f(x), y) is exactly zero; the model is in eval mode meanwhile and its mode restored.</summary>
    /// <param name="diagnostics">When given, counts this pass if its gradient has a NaN or infinity.</param>
    public static bool[] ExactlyZero(Classifier model, Tensor x, Tensor y, PgdDiagnostics? diagnostics = null)
    {
        bool wasTraining = model.IsTraining;
        model.SetTraining(false);
        try
        {
            using var scope = torch.NewDisposeScope();
            using var enable = torch.enable_grad();
            var input = x.detach().requires_grad_(true);
            var loss = F.cross_entropy(model.forward(input), y, reduction: nn.Reduction.Sum);
            var g = Autograd.Grad([loss], [input], inputNames: ["the input images (masking suite)"])[0];
            if (diagnostics is not null && !g.isfinite().all().ToBoolean()) diagnostics.NonFiniteGradientSteps++;
            return g.flatten(1).abs().amax(1).eq(0).cpu().data<bool>().ToArray();
        }
        finally
        {
            model.SetTraining(wasTraining);
        }
    }
}

using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// APGD-CE (Croce &amp; Hein 2020, "Reliable evaluation of adversarial robustness with an ensemble
/// of diverse parameter-free attacks"), L∞, as AutoAttack's first attack: sign-gradient ascent on
/// the per-image cross-entropy with momentum, a step size that starts at 2ε and is halved, per
/// image, at the checkpoints of <see cref="ApgdSchedule"/> when the attack is not making progress,
/// restarting from that image's best point. It needs no step size, which is why it exposes a PGD
/// whose fixed step was too large or too small, one of the usual ways an evaluation overstates
/// robustness. Follows the reference implementation (fra31/auto-attack, autopgd_base.py) but
/// for one thing: the point returned for a broken image is the first misclassified iterate (the
/// reference keeps the last); for an unbroken one it is the highest-loss iterate.
/// </summary>
public static class ApgdCe
{
    /// <summary>
    /// Adversarial examples against <paramref name="model"/>, within the ε-ball and [0,1], on the
    /// device and in the dtype of <paramref name="x"/>. Restarts after the first attack only the
    /// images not yet broken, each from a new random start; per image the result is a misclassified
    /// point when any restart found one, else the highest-loss point over all restarts. BN is in
    /// eval mode during the attack and the model's mode restored afterwards; parameter gradients
    /// are not touched.
    /// </summary>
    /// <param name="seed">Seeds the random starts (restart r from <c>Seeds.Derive(seed, r)</c>).</param>
    /// <param name="diagnostics">When given, counts iterations whose input gradient is not finite.</param>
    public static Tensor Attack(Classifier model, Tensor x, Tensor y, ApgdConfig config, long seed, PgdDiagnostics? diagnostics = null)
    {
        config.Validate();
        bool wasTraining = model.IsTraining;
        model.SetTraining(false);
        try
        {
            using var scope = torch.NewDisposeScope();
            var first = SingleRun(model, x, y, config, Seeds.Derive(seed, 0), diagnostics);
            var (adv, fooled, bestLoss) = (first.Point, first.Fooled, first.BestLoss);
            for (int r = 1; r < config.Restarts; r++)
            {
                using var restartScope = torch.NewDisposeScope();
                var open = fooled.logical_not().nonzero().flatten();
                if (open.shape[0] == 0) break;
                var run = SingleRun(model, x.index_select(0, open), y.index_select(0, open), config, Seeds.Derive(seed, r), diagnostics);
                var better = run.Fooled.logical_or(run.BestLoss.gt(bestLoss.index_select(0, open)));
                var rows = better.nonzero().flatten();
                var images = open.index_select(0, rows);
                adv.index_copy_(0, images, run.Point.index_select(0, rows));
                fooled.index_copy_(0, images, run.Fooled.index_select(0, rows));
                bestLoss.index_copy_(0, images, run.BestLoss.index_select(0, rows));
            }
            return adv.detach().MoveToOuterDisposeScope();
        }
        finally
        {
            model.SetTraining(wasTraining);
        }
    }

    /// <summary>One restart: per image the point to keep, whether it is misclassified, and the highest loss reached.</summary>
    private static (Tensor Point, Tensor Fooled, Tensor BestLoss) SingleRun(Classifier model, Tensor x, Tensor y, ApgdConfig config,
        long seed, PgdDiagnostics? diagnostics)
    {
        long n = x.shape[0];
        double eps = config.Epsilon;
        var lower = (x - eps).clamp_min(0);
        var upper = (x + eps).clamp_max(1);
        var xAdv = (x + RandomStart(x, eps, seed)).clamp(0, 1).detach();
        var (loss, grad, correct) = LossAndGradient(model, xAdv, y, diagnostics);

        // Per-image state, updated in place so that each iteration's temporaries die with its scope.
        var xBest = xAdv.clone();
        var gradBest = grad.clone();
        var lossBest = loss.clone();
        var fooled = correct.logical_not();
        var firstFooled = xAdv.clone();
        var step = torch.full(PerImageShape(x), config.Epsilon * ApgdConfig.InitialStepOverEpsilon, dtype: x.dtype, device: x.device);
        var xPrevious = xAdv.clone();
        var lossPrevious = loss.clone();
        var increases = torch.zeros(n, dtype: x.dtype, device: x.device);
        var lossBestAtCheckpoint = lossBest.clone();
        var halvedAtCheckpoint = torch.ones(n, dtype: ScalarType.Bool, device: x.device);
        var checkpoints = ApgdSchedule.Checkpoints(config.Iterations).ToHashSet();
        int lastCheckpoint = 0;

        for (int i = 0; i < config.Iterations; i++)
        {
            using var stepScope = torch.NewDisposeScope();
            using (torch.no_grad())
            {
                var moved = xAdv - xPrevious;
                xPrevious.copy_(xAdv);
                double a = i == 0 ? 1.0 : ApgdConfig.Momentum;
                var z = Project(xAdv + step * grad.sign(), lower, upper);
                xAdv.copy_(Project(xAdv + a * (z - xAdv) + (1 - a) * moved, lower, upper));
            }
            var (stepLoss, stepGrad, stepCorrect) = LossAndGradient(model, xAdv, y, diagnostics);
            using (torch.no_grad())
            {
                grad.copy_(stepGrad);
                var wrong = stepCorrect.logical_not();
                firstFooled.copy_(torch.where(PerImage(wrong.logical_and(fooled.logical_not()), x), xAdv, firstFooled));
                fooled.copy_(fooled.logical_or(wrong));
                increases.add_(stepLoss.gt(lossPrevious).to(x.dtype));
                lossPrevious.copy_(stepLoss);
                var improved = stepLoss.gt(lossBest);
                xBest.copy_(torch.where(PerImage(improved, x), xAdv, xBest));
                gradBest.copy_(torch.where(PerImage(improved, x), grad, gradBest));
                lossBest.copy_(torch.where(improved, stepLoss, lossBest));
                if (checkpoints.Contains(i + 1))
                {
                    int since = i + 1 - lastCheckpoint;
                    lastCheckpoint = i + 1;
                    // Condition 1: fewer than ρ of the steps since the last checkpoint increased the loss
                    // (the paper's strict "<"; the reference code uses "≤").
                    var fewSuccesses = increases.lt(ApgdConfig.Rho * since);
                    // Condition 2: the step was not halved at the last checkpoint and the best loss has not improved since.
                    var stalled = halvedAtCheckpoint.logical_not().logical_and(lossBestAtCheckpoint.ge(lossBest));
                    var halve = fewSuccesses.logical_or(stalled);
                    halvedAtCheckpoint.copy_(halve);
                    lossBestAtCheckpoint.copy_(lossBest);
                    var halve4 = PerImage(halve, x);
                    step.copy_(torch.where(halve4, step / 2, step));
                    xAdv.copy_(torch.where(halve4, xBest, xAdv));
                    grad.copy_(torch.where(halve4, gradBest, grad));
                    increases.zero_();
                }
            }
        }
        var point = torch.where(PerImage(fooled, x), firstFooled, xBest).detach();
        return (point.MoveToOuterDisposeScope(), fooled.MoveToOuterDisposeScope(), lossBest.MoveToOuterDisposeScope());
    }

    /// <summary>The reference's start: uniform noise scaled per image so that its largest coordinate is exactly ε.</summary>
    private static Tensor RandomStart(Tensor x, double eps, long seed)
    {
        using var scope = torch.NewDisposeScope();
        using var gen = new Generator((ulong)seed);
        var t = torch.rand(x.shape, generator: gen, dtype: x.dtype) * 2 - 1;
        var largest = t.flatten(1).abs().amax(1).clamp_min(1e-12).view(PerImageShape(x));
        return (t / largest * eps).to(x.device).MoveToOuterDisposeScope();
    }

    /// <summary>Per-image cross-entropy at <paramref name="xAdv"/>, its input gradient (of the summed loss, so each image's own, unscaled) and which images are still classified correctly.</summary>
    private static (Tensor Loss, Tensor Grad, Tensor Correct) LossAndGradient(Classifier model, Tensor xAdv, Tensor y, PgdDiagnostics? diagnostics)
    {
        using var enable = torch.enable_grad();
        var input = xAdv.detach().requires_grad_(true);
        var logits = model.forward(input);
        var loss = F.cross_entropy(logits, y, reduction: nn.Reduction.None);
        var grad = Autograd.Grad([loss.sum()], [input], inputNames: ["the input images (APGD-CE)"])[0];
        if (diagnostics is not null)
        {
            diagnostics.Steps++;
            if (!grad.isfinite().all().item<bool>()) diagnostics.NonFiniteGradientSteps++;
        }
        return (loss.detach(), grad.detach(), logits.detach().argmax(1).eq(y));
    }

    private static Tensor Project(Tensor t, Tensor lower, Tensor upper) => torch.min(torch.max(t, lower), upper);

    private static long[] PerImageShape(Tensor x) => [x.shape[0], .. Enumerable.Repeat(1L, (int)x.dim() - 1)];

    private static Tensor PerImage(Tensor perImage, Tensor x) => perImage.view(PerImageShape(x));
}

using NtkRepro.Attacks;
using NtkRepro.Data;
using NtkRepro.Kernels;
using NtkRepro.Linearization;
using NtkRepro.Util;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Training;

/// <summary>
/// Checks that every evaluation records. Broken attacks fail <see cref="Ok"/>: perturbations
/// outside the ε-ball or [0,1], NaN, robust above clean accuracy. Possible gradient masking is
/// flagged (a warning, not a failure): an attack that never changes a prediction although the
/// loss has a non-zero input gradient — also what a classifier that predicts one class does.
/// </summary>
public sealed record AttackSanity(double MaxPerturbation, bool WithinEpsilon, bool InUnitRange, bool NoNan,
    bool RobustNotAboveClean, long PredictionsChanged, double MeanInputGradientL1, bool SuspectedGradientMasking)
{
    public bool Ok => WithinEpsilon && InUnitRange && NoNan && RobustNotAboveClean;
}

/// <summary>
/// Clean and PGD accuracy of a classifier on a test set; for linearized/centered children also
/// ‖Δf‖² / ‖f0‖² (mean squared norms over the test set; null when f0 is identically zero).
/// <see cref="CleanCorrect"/> and <see cref="RobustCorrect"/> say which test images were classified
/// correctly ('1') or not ('0'), in test-set order: differences between classifiers on the same
/// images, and the test set's share of the uncertainty, are computed from them.
/// </summary>
public sealed record EvalResult(string Dynamics, int Count, double CleanAccuracy, double RobustAccuracy, string Attack,
    double? FirstOrderRatio, double? MeanDeltaSquared, double? MeanF0Squared, AttackSanity Sanity, double Seconds,
    string? CleanCorrect = null, string? RobustCorrect = null);

public sealed record EvalConfig(PgdConfig Attack, int BatchSize = 250, int Seed = 0);

public static class Evaluator
{
    public static EvalResult Evaluate(Classifier model, LabeledImages test, EvalConfig config, IProgressSink progress, string task = "evaluate")
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        model.SetTraining(false);
        int n = test.Count, batches = (n + config.BatchSize - 1) / config.BatchSize;
        long clean = 0, robust = 0, changed = 0;
        var cleanBits = new System.Text.StringBuilder(n);
        var robustBits = new System.Text.StringBuilder(n);
        double maxPerturbation = 0, gradL1 = 0, deltaSq = 0, f0Sq = 0;
        bool inRange = true, noNan = true;
        for (int b = 0; b < batches; b++)
        {
            using var scope = torch.NewDisposeScope();
            int start = b * config.BatchSize, size = Math.Min(config.BatchSize, n - start);
            var x = test.Images.narrow(0, start, size);
            var y = test.Labels.narrow(0, start, size);
            Tensor cleanPred;
            using (torch.no_grad())
            {
                if (model is LinearizedClassifier child)
                {
                    // One pass gives both terms and, from them, the logits.
                    var (f0, delta) = child.Decompose(x);
                    deltaSq += delta.pow(2).sum().ToDouble();
                    f0Sq += f0.pow(2).sum().ToDouble();
                    cleanPred = child.Logits(f0, delta).argmax(1);
                }
                else cleanPred = model.forward(x).argmax(1);
            }
            using (torch.enable_grad())
            {
                var xi = x.detach().requires_grad_(true);
                var g = Autograd.Grad([F.cross_entropy(model.forward(xi), y)], [xi])[0];
                gradL1 += g.abs().mean().ToDouble() * size;
            }
            var adv = Pgd.Attack(model, x, y, config.Attack, Seeds.Derive(config.Seed, b, 3));
            Tensor advPred;
            using (torch.no_grad()) advPred = model.forward(adv).argmax(1);
            var cleanHits = cleanPred.eq(y).cpu().data<bool>().ToArray();
            var robustHits = advPred.eq(y).cpu().data<bool>().ToArray();
            foreach (var hit in cleanHits) cleanBits.Append(hit ? '1' : '0');
            foreach (var hit in robustHits) robustBits.Append(hit ? '1' : '0');
            clean += cleanHits.Count(h => h);
            robust += robustHits.Count(h => h);
            changed += advPred.ne(cleanPred).sum().ToInt64();
            maxPerturbation = Math.Max(maxPerturbation, (adv - x).abs().max().ToDouble());
            inRange &= adv.min().ToDouble() >= 0 && adv.max().ToDouble() <= 1;
            noNan &= !adv.isnan().any().ToBoolean();
            progress.Report(task, b + 1, batches, $"clean {(double)clean / (start + size):P1} robust {(double)robust / (start + size):P1}");
        }
        double cleanAcc = (double)clean / n, robustAcc = (double)robust / n, meanGrad = gradL1 / n;
        var sanity = new AttackSanity(maxPerturbation, maxPerturbation <= config.Attack.Epsilon + 1e-6, inRange, noNan,
            robustAcc <= cleanAcc, changed, meanGrad, SuspectedGradientMasking: changed == 0 && meanGrad > 0 && cleanAcc > 0);
        bool linear = model is LinearizedClassifier;
        return new EvalResult(model.Dynamics.ToString().ToLowerInvariant(), n, cleanAcc, robustAcc, config.Attack.ToString(),
            linear ? KernelMetrics.RelativeFirstOrder(deltaSq / n, f0Sq / n) : null,
            linear ? deltaSq / n : null, linear ? f0Sq / n : null, sanity, watch.Elapsed.TotalSeconds, cleanBits.ToString(), robustBits.ToString());
    }
}

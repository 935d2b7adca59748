using System.Text.Json.Serialization;
using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Training;

/// <summary>
/// Checks that every evaluation records. A broken attack fails <see cref="Ok"/> (see
/// <see cref="Failures"/>): perturbations outside the ε-ball or [0,1], NaN images, NaN or infinite
/// input gradients, robust above clean accuracy; the robust accuracy of such an evaluation is invalid. Possible gradient masking is
/// flagged (a warning; the figure stays valid): the input gradient is exactly zero on every test
/// image (the attack is blind: a piecewise-constant model, or a constant one such as a zero head),
/// or the attack never changes a prediction although the gradient is non-zero (also what a
/// classifier that predicts one class does).
/// </summary>
/// <param name="ZeroInputGradientFraction">Fraction of test images whose input gradient ∇ₓL is exactly zero; null in results written before it was recorded.</param>
/// <param name="NonFiniteGradientSteps">Attack steps (and clean-gradient passes) whose input gradient had a NaN or infinity; null in older results.</param>
public sealed record AttackSanity(double MaxPerturbation, bool WithinEpsilon, bool InUnitRange, bool NoNan,
    bool RobustNotAboveClean, long PredictionsChanged, double MeanInputGradientL1, bool SuspectedGradientMasking,
    double? ZeroInputGradientFraction = null, long? NonFiniteGradientSteps = null)
{
    public bool Ok => Failures.Count == 0;

    /// <summary>One phrase per failed check; empty when every check passed.</summary>
    public IReadOnlyList<string> Failures =>
    [
        .. WithinEpsilon ? Array.Empty<string>() : [$"perturbation beyond ε (max |δ| = {MaxPerturbation * 255:G4}/255)"],
        .. InUnitRange ? Array.Empty<string>() : ["adversarial images outside [0, 1]"],
        .. NoNan ? Array.Empty<string>() : ["NaN in adversarial images"],
        .. NonFiniteGradientSteps is null or 0 ? Array.Empty<string>() : [$"non-finite input gradients in {NonFiniteGradientSteps} attack steps"],
        .. RobustNotAboveClean ? Array.Empty<string>() : ["robust accuracy above clean accuracy"],
    ];
}

/// <summary>Raised on reading the robust accuracy of an evaluation whose attack failed a sanity check.</summary>
public sealed class InvalidRobustAccuracyException(string message) : InvalidOperationException(message);

/// <summary>
/// Clean and PGD accuracy of a classifier on a test set; for linearized/centered children also
/// ‖Δf‖² / ‖f0‖² (mean squared norms over the test set; null when f0 is identically zero).
/// <see cref="CleanCorrect"/> and <see cref="RobustCorrect"/> say which test images were classified
/// correctly, in test-set order: differences between classifiers on the same
/// images, and the test set's share of the uncertainty, are computed from them.
/// The robust figures are figures only when the attack passed its sanity checks:
/// <see cref="RobustAccuracy"/> and <see cref="RobustCorrect"/> throw an
/// <see cref="InvalidRobustAccuracyException"/> otherwise; <see cref="RobustAccuracyIfValid"/> is null.
/// In JSON the measured values stay under "robustAccuracy" and "robustCorrect" (results written
/// before the validity fields read back unchanged), next to "robustAccuracyValid" and
/// "robustAccuracyInvalidReason".
/// </summary>
public sealed record EvalResult(Dynamics Dynamics, int Count, double CleanAccuracy,
    [property: JsonPropertyName("robustAccuracy")] double UncheckedRobustAccuracy, string Attack,
    double? FirstOrderRatio, double? MeanDeltaSquared, double? MeanF0Squared, AttackSanity Sanity, double Seconds,
    Correctness? CleanCorrect = null, [property: JsonPropertyName("robustCorrect")] Correctness? UncheckedRobustCorrect = null, MaskingReport? Masking = null)
{
    /// <summary>
    /// Which test images resisted every attack: the evaluation's PGD on all of them and, on the
    /// images the masking suite attacked, each attack of the suite at this ε (white-box restarts,
    /// APGD-CE, the sweep's attack at ε, the transfer attack): the per-image worst case, so the
    /// claim's robust figure is the minimum over the suite. Without a suite, <see cref="RobustCorrect"/>.
    /// </summary>
    [JsonIgnore]
    public Correctness? WorstCaseRobustCorrect
    {
        get
        {
            if (Masking is null || RobustCorrect is not { } pgd) return RobustCorrect;
            var suite = new List<Correctness> { Masking.WorstCaseCorrect };
            suite.AddRange(Masking.Sweep.Where(s => Math.Abs(s.Epsilon - Masking.Epsilon) < 1e-9).Select(s => s.Correct));
            if (Masking.TransferCorrect is { } transfer) suite.Add(transfer);
            return pgd.AndOnFirst(Correctness.All(suite));
        }
    }

    /// <summary>Why the masking checks make this robust figure unreliable, or null when they passed or did not run.</summary>
    [JsonIgnore]
    public string? MaskingSuspicion => Masking is { Ok: false } m ? $"masking checks failed on {m.Subset}: {string.Join("; ", m.FailedChecks)}" : null;

    public bool RobustAccuracyValid => Sanity.Ok;

    /// <summary>Why the robust accuracy is not a figure (the failed checks), or null when it is.</summary>
    public string? RobustAccuracyInvalidReason => Sanity.Ok ? null : "attack sanity failed: " + string.Join("; ", Sanity.Failures);

    /// <summary>The robust accuracy; an <see cref="InvalidRobustAccuracyException"/> when the attack failed a sanity check.</summary>
    [JsonIgnore]
    public double RobustAccuracy => Sanity.Ok ? UncheckedRobustAccuracy : throw Invalid();

    /// <summary>The robust accuracy, or null when it is invalid.</summary>
    [JsonIgnore]
    public double? RobustAccuracyIfValid => Sanity.Ok ? UncheckedRobustAccuracy : null;

    /// <summary>Which test images resisted the attack; an <see cref="InvalidRobustAccuracyException"/> when the attack failed a sanity check.</summary>
    [JsonIgnore]
    public Correctness? RobustCorrect => Sanity.Ok ? UncheckedRobustCorrect : throw Invalid();

    private InvalidRobustAccuracyException Invalid() =>
        new($"the robust accuracy of this {Dynamics} evaluation ({Attack}, {Count} images) is invalid: {RobustAccuracyInvalidReason}");
}

public sealed record EvalConfig(PgdConfig Attack, int BatchSize = 250, int Seed = 0);

public static class Evaluator
{
    public static EvalResult Evaluate(Classifier model, LabeledImages test, EvalConfig config, IProgressSink progress, string task = "evaluate")
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        model.SetTraining(false);
        int n = test.Count, batches = (n + config.BatchSize - 1) / config.BatchSize;
        var taylor = model.Taylor;
        long clean = 0, robust = 0, changed = 0, zeroGradient = 0;
        var cleanBits = new List<bool>(n);
        var robustBits = new List<bool>(n);
        double maxPerturbation = 0, gradL1 = 0, deltaSq = 0, f0Sq = 0;
        bool inRange = true, noNan = true;
        var diagnostics = new PgdDiagnostics();
        for (int b = 0; b < batches; b++)
        {
            using var scope = torch.NewDisposeScope();
            int start = b * config.BatchSize, size = Math.Min(config.BatchSize, n - start);
            var x = test.Images.narrow(0, start, size);
            var y = test.Labels.narrow(0, start, size);
            Tensor cleanPred;
            using (torch.no_grad())
            {
                if (taylor is not null)
                {
                    // One pass gives both terms and, from them, the logits.
                    var (f0, delta) = taylor.Decompose(x);
                    deltaSq += delta.pow(2).sum().ToDouble();
                    f0Sq += f0.pow(2).sum().ToDouble();
                    cleanPred = taylor.Logits(f0, delta).argmax(1);
                }
                else cleanPred = model.forward(x).argmax(1);
            }
            using (torch.enable_grad())
            {
                var xi = x.detach().requires_grad_(true);
                // Summed, so each image's gradient is its own loss's, unscaled: exactly zero only where that one is.
                var loss = F.cross_entropy(model.forward(xi), y, reduction: nn.Reduction.Sum);
                var g = Autograd.Grad([loss], [xi], inputNames: ["the input images (evaluation)"])[0];
                gradL1 += g.abs().mean().ToDouble(); // = mean |∇ₓ of the batch-mean loss| × batch size
                zeroGradient += g.flatten(1).abs().amax(1).eq(0).sum().ToInt64();
                if (!g.isfinite().all().ToBoolean()) diagnostics.NonFiniteGradientSteps++;
            }
            var adv = Pgd.Attack(model, x, y, config.Attack, Seeds.Derive(config.Seed, b, 3), diagnostics);
            Tensor advPred;
            using (torch.no_grad()) advPred = model.forward(adv).argmax(1);
            var cleanHits = cleanPred.eq(y).cpu().data<bool>().ToArray();
            var robustHits = advPred.eq(y).cpu().data<bool>().ToArray();
            cleanBits.AddRange(cleanHits);
            robustBits.AddRange(robustHits);
            clean += cleanHits.Count(h => h);
            robust += robustHits.Count(h => h);
            changed += advPred.ne(cleanPred).sum().ToInt64();
            maxPerturbation = Math.Max(maxPerturbation, (adv - x).abs().max().ToDouble());
            inRange &= adv.min().ToDouble() >= 0 && adv.max().ToDouble() <= 1;
            noNan &= !adv.isnan().any().ToBoolean();
            progress.Report(task, b + 1, batches, $"clean {(double)clean / (start + size):P1} robust {(double)robust / (start + size):P1}");
        }
        double cleanAcc = (double)clean / n, robustAcc = (double)robust / n, meanGrad = gradL1 / n;
        bool blind = meanGrad == 0, unmoved = changed == 0 && meanGrad > 0 && cleanAcc > 0;
        var sanity = new AttackSanity(maxPerturbation, maxPerturbation <= config.Attack.Epsilon + 1e-6, inRange, noNan,
            robustAcc <= cleanAcc, changed, meanGrad, SuspectedGradientMasking: blind || unmoved, (double)zeroGradient / n,
            diagnostics.NonFiniteGradientSteps);
        bool linear = taylor is not null;
        return new EvalResult(model.Dynamics, n, cleanAcc, robustAcc, config.Attack.ToString(),
            linear ? KernelMetrics.RelativeFirstOrder(deltaSq / n, f0Sq / n) : null,
            linear ? deltaSq / n : null, linear ? f0Sq / n : null, sanity, watch.Elapsed.TotalSeconds, new Correctness(cleanBits), new Correctness(robustBits));
    }
}

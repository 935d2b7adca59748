using System.Diagnostics;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// A gradient-masking check for one classifier (standard, linearized or centered): does the robust accuracy that PGD reports survive stronger and differently placed
/// attacks? On the first k test images it runs the white-box suite at ε (PGD with several random
/// restarts and APGD-CE) and takes the per-image worst case; an ε sweep with PGD, which must fall
/// with the radius and reach (near) zero; and a transfer attack, PGD on a source classifier (the
/// parent of a linearized child, or the unmasked version of a model) evaluated on the target,
/// which must not break images the white-box attacks could not. The decision rules are in
/// <see cref="MaskingChecks"/>. Everything runs on the device of the test images.
/// The subset is the first k images in test order (comparable across the figures of one test set);
/// on a class-sorted set, such as the synthetic one, that is not a class-balanced sample. The
/// transfer attack is a check, not part of the worst case. Cost: per image about
/// PgdRestarts·PgdSteps + ApgdRestarts·ApgdIterations + |radii|·SweepSteps (+ PgdSteps on the
/// source) gradient passes: 170 with the defaults.
/// </summary>
public static class AttackSuite
{
    /// <summary>Runs the suite; seeds derive from <paramref name="seed"/>, the batch index and the attack.</summary>
    /// <param name="transferSource">The classifier the transfer attack is crafted on; null: no transfer attack.</param>
    public static MaskingReport Run(Classifier target, Classifier? transferSource, LabeledImages test, MaskingConfig config, long seed,
        IProgressSink progress, string task = "masking suite")
    {
        config.Validate();
        var watch = Stopwatch.StartNew();
        int n = config.Subset is int k ? Math.Min(k, test.Count) : test.Count;
        string subset = n == test.Count
            ? $"all {n} images of {test.Description}"
            : $"the first {n} of {test.Count} images of {test.Description}";
        bool targetWasTraining = target.IsTraining, sourceWasTraining = transferSource?.IsTraining ?? false;
        target.SetTraining(false);
        transferSource?.SetTraining(false);
        try
        {
            var pgd = config.Pgd;
            var apgd = config.Apgd;
            var radii = config.Radii;
            var attackNames = Enumerable.Range(1, config.PgdRestarts).Select(r => $"{pgd} start {r}").Append(apgd.ToString()).ToList();
            var clean = new List<bool>(n);
            var attackBits = attackNames.Select(_ => new List<bool>(n)).ToList();
            var sweepBits = radii.Select(_ => new List<bool>(n)).ToList();
            var transferBits = transferSource is null ? null : new List<bool>(n);
            var sanity = new SanityTally();
            var diagnostics = new PgdDiagnostics();
            int zeroGradient = 0, batches = (n + config.BatchSize - 1) / config.BatchSize;
            for (int b = 0; b < batches; b++)
            {
                using var scope = torch.NewDisposeScope();
                int start = b * config.BatchSize, size = Math.Min(config.BatchSize, n - start);
                var x = test.Images.narrow(0, start, size);
                var y = test.Labels.narrow(0, start, size);
                Tensor cleanHit;
                using (torch.no_grad()) cleanHit = target.forward(x).argmax(1).eq(y);
                Append(clean, cleanHit);
                zeroGradient += InputGradients.ExactlyZero(target, x, y, diagnostics).Count(z => z);

                // Robust-correct: right on the clean image and at the attack's point (the clean image is in every ball).
                void Record(List<bool> bits, Tensor adv, double radius)
                {
                    sanity.Add(x, adv, radius);
                    using var _ = torch.no_grad();
                    Append(bits, cleanHit.logical_and(target.forward(adv).argmax(1).eq(y)));
                }

                for (int r = 0; r < config.PgdRestarts; r++)
                    Record(attackBits[r], Pgd.Attack(target, x, y, pgd, Seeds.Derive(seed, b, 1, r), diagnostics), pgd.Epsilon);
                Record(attackBits[^1], ApgdCe.Attack(target, x, y, apgd, Seeds.Derive(seed, b, 2), diagnostics), apgd.Epsilon);
                for (int i = 0; i < radii.Count; i++)
                    Record(sweepBits[i], Pgd.Attack(target, x, y, config.SweepAttack(radii[i]), Seeds.Derive(seed, b, 3, i), diagnostics), radii[i]);
                if (transferSource is not null)
                    Record(transferBits!, Pgd.Attack(transferSource, x, y, pgd, Seeds.Derive(seed, b, 4)), pgd.Epsilon);
                progress.Report(task, b + 1, batches, $"{start + size}/{n} images");
            }

            var attacks = attackNames.Select((name, i) => AttackAccuracy.Of(name, new Correctness(attackBits[i]))).ToList();
            var worst = MaskingChecks.WorstCase(attacks.Select(a => a.Correct).ToList());
            var sweep = radii.Select((r, i) => SweepPoint.Of(r, new Correctness(sweepBits[i]))).ToList();
            Correctness? transfer = transferBits is null ? null : new Correctness(transferBits);
            var sanityFailures = sanity.Failures(diagnostics.NonFiniteGradientSteps);
            int? transferOnly = transfer is { } t0 ? MaskingChecks.TransferOnlyBreaks(worst, t0) : null;
            var cleanCorrect = new Correctness(clean);
            var report = new MaskingReport(subset, n, config.Epsilon, cleanCorrect.Accuracy, cleanCorrect,
                attacks, worst.Accuracy, worst,
                $"PGD-{config.SweepSteps} α=2.5ε/{config.SweepSteps}", sweep, MaskingChecks.SweepInversions(sweep.Select(s => s.Correct).ToList()),
                config.MaxAccuracyAtLargestRadius,
                transfer is null ? null : $"{pgd} crafted on the source", transfer?.Accuracy, transfer, transferOnly,
                (double)zeroGradient / n, diagnostics.NonFiniteGradientSteps, MaskingChecks.Tolerance(n),
                sanityFailures, watch.Elapsed.TotalSeconds);
            progress.Log($"{task}: {subset}: clean {report.CleanAccuracy:P1}, worst case {report.WorstCaseAccuracy:P1}" +
                         (report.TransferAccuracy is double t
                             ? $", transfer {t:P1} ({report.TransferOnlyBreaks} alone, the strongest white-box attack {report.StrongestWhiteBoxOnlyBreaks} alone)"
                             : "") +
                         $", zero gradient {report.ZeroGradientFraction:P1}; {(report.Ok ? "all checks passed" : string.Join("; ", report.FailedChecks))}");
            return report;
        }
        finally
        {
            target.SetTraining(targetWasTraining);
            transferSource?.SetTraining(sourceWasTraining);
        }
    }

    private static void Append(List<bool> bits, Tensor hits) => bits.AddRange(hits.cpu().data<bool>().ToArray());

    /// <summary>Whether every attack point stayed in its ball and in [0,1], without NaN.</summary>
    private sealed class SanityTally
    {
        private double _worstExcessOverRadius;
        private bool _outsideUnitRange, _nan;

        public void Add(Tensor x, Tensor adv, double radius)
        {
            using var scope = torch.NewDisposeScope();
            _worstExcessOverRadius = Math.Max(_worstExcessOverRadius, (adv - x).abs().max().ToDouble() - radius);
            _outsideUnitRange |= adv.min().ToDouble() < 0 || adv.max().ToDouble() > 1;
            _nan |= adv.isnan().any().ToBoolean();
        }

        public List<string> Failures(long nonFiniteGradientSteps)
        {
            var failures = new List<string>();
            if (_worstExcessOverRadius > 1e-6) failures.Add($"attack points beyond their ball (by up to {_worstExcessOverRadius * 255:G4}/255)");
            if (_outsideUnitRange) failures.Add("attack points outside [0, 1]");
            if (_nan) failures.Add("NaN in attack points");
            if (nonFiniteGradientSteps > 0) failures.Add($"non-finite input gradients in {nonFiniteGradientSteps} attack steps");
            return failures;
        }
    }
}

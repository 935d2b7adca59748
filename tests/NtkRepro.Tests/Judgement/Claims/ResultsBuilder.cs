using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>
/// Hand-built results with known verdicts: R replicates of a mini-like preset (T = 10, switch at 5,
/// spawn epochs 1 and 10), every figure a chosen value plus a small replicate-dependent wobble,
/// accuracies as per-image correctness on 400 test images.
/// </summary>
public sealed record ResultsBuilder
{
    public const int T = 10, K = 5, Images = 400;
    public int Replicates { get; init; } = 4;
    public Scale Scale { get; init; } = Scale.Mini;
    public double Epsilon255 { get; init; } = 4;

    // Kernel behaviour (functions of epoch, per schedule) and accuracies (clean, robust) per situation.
    public Func<ScheduleKind, double, double> DistanceToFinal { get; init; } = (k, e) => 0.5 / (1 + e * e);
    /// <summary>dS/dt over the interval ending at <c>to</c> (one epoch long, or the fractional ones of epoch 0).</summary>
    public Func<ScheduleKind, double, double> Velocity { get; init; } = (k, to) => to <= 1 ? 1.0 : k == ScheduleKind.Switch && to == K + 1 ? 0.1 : 0.01 / to;
    public Func<ScheduleKind, double> EffectiveRank { get; init; } = k => k == ScheduleKind.Benign ? 20 : 12;
    /// <summary>Null: not measured (a 100-class network's kernels on classes 0–9).</summary>
    public Func<ScheduleKind, double?> Specialization { get; init; } = k => k == ScheduleKind.Benign ? 3.0 : 2.0;
    public double BetweenDistance { get; init; } = 0.4;
    public double WithinDistance { get; init; } = 0.1;
    public Func<ScheduleKind, double, Dynamics, (double Clean, double Robust)> Child { get; init; } =
        (p, t, d) => (d == Dynamics.Centered ? 0.3 : 0.6, (p == ScheduleKind.Adversarial ? 0.15 : 0) + (d == Dynamics.Centered ? (t == 1 ? 0.10 : 0.25) : 0.03));
    public Func<ScheduleKind, double, (double Clean, double Robust)> Parent { get; init; } =
        (p, t) => p == ScheduleKind.Adversarial ? (0.45, 0.30) : (0.6, 0.05);
    public (double Clean, double Robust) FixedKernel { get; init; } = (0.5, 0.33);
    public Func<double, double> FirstOrderRatio { get; init; } = t => t == 1 ? 0.8 : 0.05;
    /// <summary>Training accuracy of a stage-1 run after each epoch (0-based epoch index, replicate): benign runs fit after 2 epochs, the switch run before its switch.</summary>
    public Func<ScheduleKind, int, int, double> TrainingAccuracy { get; init; } = (k, e, r) => k == ScheduleKind.Adversarial ? 0.7 : e >= 1 ? 1.0 : 0.5;
    /// <summary>A child's training loss after each of its epochs (1-based) of <see cref="ChildEpochs"/>: flat from the start by default, so converged.</summary>
    public Func<ChildId, int, int, double> ChildLoss { get; init; } = (c, e, r) => 0.5 + 0.001 * ((e + r) % 3);
    public const int ChildEpochs = 8;
    /// <summary>Replicate-to-replicate noise of the kernel ratios (late velocities, distances to the final kernel, the latest first-order ratio): a factor exp(Jitter·(r − 1.5)).</summary>
    public double Jitter { get; init; }
    /// <summary>The switch run's final kernel sits with the benign kernels instead of the AT ones (C7 the other way).</summary>
    public bool SwitchEndsBenign { get; init; }
    /// <summary>What the variant's plan runs at all (null: not said, as in results that predate scopes).</summary>
    public VariantScope? Scope { get; init; }
    /// <summary>Every child's correctness is drawn on the same images (nested sets), so paired differences between children carry little image noise.</summary>
    public bool SameImagesForChildren { get; init; }
    /// <summary>Spawn epochs of the children (parents are evaluated there too); the last is the end of stage 1.</summary>
    public IReadOnlyList<double> SpawnEpochs { get; init; } = [1, T];
    /// <summary>Optimizer steps of a benign epoch; a mixture AT epoch takes twice as many.</summary>
    public const int StepsPerEpoch = 10;

    private static double Wobble(int r) => (r - 1.5) * 0.002;

    private double Noise(int r) => Math.Exp(Jitter * (r - 1.5));

    /// <summary>Correctness bits with the given accuracy, shifted by replicate so that replicates differ a little.</summary>
    public static string Bits(double accuracy, int replicate, int salt = 0)
    {
        int ones = (int)Math.Round(accuracy * Images) + (replicate % 2 == 0 ? 1 : -1);
        var bits = new char[Images];
        for (int i = 0; i < Images; i++) bits[(i * 7 + salt * 13 + replicate * 3) % Images] = i < ones ? '1' : '0';
        return new string(bits);
    }

    public static EvalResult Eval(double clean, double robust, int replicate, int salt, double? ratio = null) =>
        new(Dynamics.Standard, Images, clean, robust, "PGD", ratio, null, null, new AttackSanity(0.01, true, true, true, true, 5, 0.1, false), 1,
            Correctness.Parse(Bits(clean, replicate, salt)), Correctness.Parse(Bits(robust, replicate, salt + 1)));

    public ReproductionResults Build()
    {
        var variant = new Variant("cifar10", Epsilon255);
        var stage1 = new List<Stage1Result>();
        var parents = new List<ParentResult>();
        var children = new List<ChildResult>();
        var fixedKernel = new List<ChildResult>();
        var distances = new List<KernelDistance>();
        double[] epochs = [0, 0.5, .. Enumerable.Range(1, T).Select(e => (double)e)];
        var summary = new RunSummary("stage1", T, 1, null, 2, "cpu", "");
        foreach (var kind in new[] { ScheduleKind.Benign, ScheduleKind.Adversarial, ScheduleKind.Switch })
            for (int r = 0; r < Replicates; r++)
            {
                double w = Wobble(r);
                double n = Noise(r);
                var points = epochs.Select(e => new KernelPoint(e, e == T ? 0 : DistanceToFinal(kind, e) * (1 + w) * (e > 0 ? n : 1),
                    EffectiveRank(kind) * (1 + w), Specialization(kind) + w)).ToList();
                var velocities = epochs.Zip(epochs.Skip(1)).Select(p => new KernelMetrics.Velocity(p.First, p.Second, Velocity(kind, p.Second) * (1 + w) * (p.Second > 1 ? n : 1))).ToList();
                var oneEpoch = Enumerable.Range(0, T).Select(a => new KernelMetrics.Velocity(a, a + 1, Velocity(kind, a + 1) * (1 + w) * (a >= 1 ? n : 1))).ToList();
                var (clean, robust) = kind == ScheduleKind.Switch ? (0.5, 0.25) : Parent(kind, T);
                var curve = Enumerable.Range(0, T).Select(e =>
                {
                    bool adversarial = kind == ScheduleKind.Adversarial || (kind == ScheduleKind.Switch && e >= K);
                    return new EpochMetrics(e, adversarial, 1 - TrainingAccuracy(kind, e, r), TrainingAccuracy(kind, e, r), null, null, 1, adversarial ? 2 * StepsPerEpoch : StepsPerEpoch);
                }).ToList();
                stage1.Add(new Stage1Result(kind, r, 100 * r + (int)kind, $"s{r}", summary, new KernelSeries("r", 100, points, velocities, oneEpoch), Eval(clean, robust, r, (int)kind), curve));
            }
        for (int r = 0; r < Replicates; r++)
        {
            foreach (var p in new[] { ScheduleKind.Benign, ScheduleKind.Adversarial })
                foreach (var t in SpawnEpochs)
                {
                    var (pc, pr) = Parent(p, t);
                    parents.Add(new ParentResult(p, r, t, Eval(pc, pr, r, 10 + (int)p)));
                    foreach (var d in new[] { Dynamics.Standard, Dynamics.Linearized, Dynamics.Centered })
                    {
                        var (c, rob) = Child(p, t, d);
                        children.Add(MakeChild(new ChildId(p, t, d, false), r, Eval(c, rob, r, SameImagesForChildren ? 20 : 20 + 3 * (int)p + (int)d,
                            d == Dynamics.Linearized ? FirstOrderRatio(t) * (1 + Wobble(r)) * (t == SpawnEpochs[^1] ? Noise(r) : 1) : null)));
                    }
                }
            fixedKernel.Add(MakeChild(new ChildId(ScheduleKind.Benign, T, Dynamics.Centered, true), r, Eval(FixedKernel.Clean, FixedKernel.Robust, r, 40)));
        }
        var finals = new[] { ScheduleKind.Benign, ScheduleKind.Adversarial, ScheduleKind.Switch }
            .SelectMany(k => Enumerable.Range(0, Replicates).Select(r => new KernelRef(k, r, T))).ToList();
        for (int i = 0; i < finals.Count; i++)
            for (int j = i + 1; j < finals.Count; j++)
            {
                bool sameSide = Side(finals[i].Schedule) == Side(finals[j].Schedule);
                distances.Add(new KernelDistance(finals[i], finals[j], (sameSide ? WithinDistance : BetweenDistance) + Wobble(i) * Wobble(j) * 100));
            }
        for (int r = 0; r < Replicates; r++)
            foreach (var f in finals.Where(f => f.Schedule != ScheduleKind.Switch))
                distances.Add(new KernelDistance(new KernelRef(ScheduleKind.Switch, r, K), f,
                    (f.Schedule == ScheduleKind.Benign ? WithinDistance : BetweenDistance) + Wobble(r) * (1 + f.Replicate)));
        var v = new VariantResults(variant, stage1, parents, children, fixedKernel, distances, Scope: Scope);
        return new ReproductionResults("mini", Scale, "d", "m", T, K, Replicates, SpawnEpochs, [], [v], new PlanProgress(1, 1, []), [], "");
    }

    private ChildResult MakeChild(ChildId id, int r, EvalResult eval)
    {
        var losses = Enumerable.Range(1, ChildEpochs).Select(e => ChildLoss(id, e, r)).ToList();
        return new ChildResult(id.Parent, r, id.SpawnEpoch, id.Dynamics, id.Adversarial, ChildEpochs, "", eval, losses[^1], losses);
    }

    /// <summary>
    /// A masking-suite result on the first <paramref name="worstCase"/>.Length images: one white-box
    /// attack with these bits, the transfer attack's when given, and a sweep that ends blind (100%
    /// at 32/255, failing its check) when <paramref name="blindSweep"/>.
    /// </summary>
    public static NtkRepro.Numerics.Attacks.MaskingReport Masking(string worstCase, double epsilon, string? transfer = null, bool blindSweep = false)
    {
        int n = worstCase.Length;
        var worst = Correctness.Parse(worstCase);
        var sweep = Correctness.Parse(blindSweep ? new string('1', n) : new string('0', n));
        Correctness? transferBits = transfer is null ? null : Correctness.Parse(transfer);
        return new("the first images", n, epsilon, 1.0, Correctness.Parse(new string('1', n)),
            [NtkRepro.Numerics.Attacks.AttackAccuracy.Of("APGD-CE", worst)],
            worst.Accuracy, worst, "PGD-10", [NtkRepro.Numerics.Attacks.SweepPoint.Of(32 / 255.0, sweep)], 0, 0.05,
            transfer is null ? null : "PGD transfer", transferBits?.Accuracy, transferBits,
            transferBits is { } t ? NtkRepro.Numerics.Attacks.MaskingChecks.TransferOnlyBreaks(worst, t) : null, 0, 0, 1, [], 1);
    }

    /// <summary>One store holding this builder's results at 4/255 and another's at 8/255 (C17).</summary>
    public static ReproductionResults TwoRadii(ResultsBuilder at4, ResultsBuilder at8)
    {
        var a = at4.Build();
        var b = (at8 with { Epsilon255 = 8 }).Build();
        return a with { Variants = [a.Variants[0], b.Variants[0]] };
    }

    /// <summary>The switch run ends on the adversarial side.</summary>
    private int Side(ScheduleKind k) => k == ScheduleKind.Benign || (k == ScheduleKind.Switch && SwitchEndsBenign) ? 0 : 1;
}

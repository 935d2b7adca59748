using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Kernels;

/// <summary>
/// The paper's kernel metrics (PROTOCOL §2), computed in float64. The authors released no code
/// for these; the definitions are the paper's.
/// </summary>
public static class KernelMetrics
{
    /// <summary>S(K1, K2) = 1 − Tr(K1ᵀK2) / (‖K1‖_F ‖K2‖_F); 0 iff K1 = cK2 with c > 0.</summary>
    public static double Distance(Tensor k1, Tensor k2)
    {
        var (a, b) = (Square(k1, "K1"), Square(k2, "K2"));
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"kernel distance: K1 is [{string.Join("x", a.shape)}] but K2 is [{string.Join("x", b.shape)}]");
        double na = a.norm().item<double>(), nb = b.norm().item<double>();
        if (na == 0 || nb == 0) throw new ArgumentException("kernel distance: a kernel is identically zero");
        return 1 - (a * b).sum().item<double>() / (na * nb);
    }

    /// <summary>Kernel alignment A(K, Y) = 1 − S(K, Y), the cosine similarity of two matrices.</summary>
    public static double Alignment(Tensor k, Tensor y) => 1 - Distance(k, y);

    /// <summary>One kernel at one checkpoint time (epochs, possibly fractional).</summary>
    public readonly record struct TimedKernel(double Epoch, Tensor Kernel);

    /// <summary>dS/dt between neighbouring checkpoints: S(K_a, K_b) / (t_b − t_a), reported at the interval.</summary>
    public readonly record struct Velocity(double FromEpoch, double ToEpoch, double Value)
    {
        public double MidEpoch => (FromEpoch + ToEpoch) / 2;
    }

    public static IReadOnlyList<Velocity> Velocities(IReadOnlyList<TimedKernel> kernels)
    {
        var sorted = Sorted(kernels);
        var result = new List<Velocity>();
        for (int i = 1; i < sorted.Count; i++)
        {
            double dt = sorted[i].Epoch - sorted[i - 1].Epoch;
            result.Add(new Velocity(sorted[i - 1].Epoch, sorted[i].Epoch, Distance(sorted[i - 1].Kernel, sorted[i].Kernel) / dt));
        }
        return result;
    }

    /// <summary>S(K_t, K_final) for every checkpoint, K_final being the latest.</summary>
    public static IReadOnlyList<(double Epoch, double Distance)> DistanceToFinal(IReadOnlyList<TimedKernel> kernels)
    {
        var sorted = Sorted(kernels);
        var final = sorted[^1].Kernel;
        return sorted.Select(k => (k.Epoch, Distance(k.Kernel, final))).ToList();
    }

    /// <summary>
    /// erank(K) = exp(−Σ p_i log p_i), p = λ/Σλ over the eigenvalues of the symmetric PSD kernel.
    /// Eigenvalues below zero by round-off are treated as zero.
    /// </summary>
    public static double EffectiveRank(Tensor k)
    {
        var a = Square(k, "K");
        double asym = (a - a.T).abs().max().item<double>();
        double scale = a.abs().max().item<double>();
        if (asym > 1e-6 * Math.Max(scale, 1e-300))
            throw new ArgumentException($"effective rank: kernel is not symmetric (max |K − Kᵀ| = {asym:G3})");
        var eig = torch.linalg.eigvalsh(a);
        double min = eig.min().item<double>(), max = eig.max().item<double>();
        if (max <= 0) throw new ArgumentException("effective rank: kernel has no positive eigenvalue");
        if (min < -1e-6 * max)
            throw new ArgumentException($"effective rank: kernel is not positive semi-definite (eigenvalue {min:G3}, largest {max:G3})");
        var lambda = eig.clamp_min(0);
        var p = lambda / lambda.sum();
        var entropy = -torch.where(p.gt(0), p * p.log(), torch.zeros_like(p)).sum().item<double>();
        return Math.Exp(entropy);
    }

    /// <summary>
    /// KSM(c, c') = A(K_cc, y_c' y_c'ᵀ) / ((1/C) Σ_d A(K_dd, y_c' y_c'ᵀ)), y_c' the one-hot
    /// column of class c'. Entries lie in [0, C] for kernels with non-negative alignments.
    /// </summary>
    /// <param name="classBlocks">(C, N, N): K_{c,c} for each class.</param>
    /// <param name="labels">N labels in 0..C−1.</param>
    public static double[,] SpecializationMatrix(Tensor classBlocks, IReadOnlyList<long> labels)
    {
        if (classBlocks.dim() != 3 || classBlocks.shape[1] != classBlocks.shape[2])
            throw new ArgumentException($"specialization: expected (C, N, N) class blocks, got [{string.Join("x", classBlocks.shape)}]");
        int c = (int)classBlocks.shape[0], n = (int)classBlocks.shape[1];
        if (labels.Count != n) throw new ArgumentException($"specialization: {labels.Count} labels for kernels of {n} points");
        if (labels.Any(l => l < 0 || l >= c)) throw new ArgumentException($"specialization: labels must lie in 0..{c - 1}");
        var align = new double[c, c]; // align[d, c'] = A(K_dd, y_c' y_c'ᵀ)
        var labelTensor = torch.tensor(labels.ToArray());
        for (int cp = 0; cp < c; cp++)
        {
            using var y = labelTensor.eq(cp).to(ScalarType.Float64);
            if (y.sum().item<double>() == 0) throw new ArgumentException($"specialization: class {cp} has no point in the subset");
            using var yy = torch.outer(y, y);
            for (int d = 0; d < c; d++) align[d, cp] = Alignment(classBlocks[d], yy);
        }
        var ksm = new double[c, c];
        for (int cp = 0; cp < c; cp++)
        {
            double mean = Enumerable.Range(0, c).Average(d => align[d, cp]);
            for (int ci = 0; ci < c; ci++) ksm[ci, cp] = align[ci, cp] / mean;
        }
        return ksm;
    }

    /// <summary>Mean kernel specialization (1/C) Σ_c KSM(c, c).</summary>
    public static double MeanSpecialization(double[,] ksm) =>
        Enumerable.Range(0, ksm.GetLength(0)).Average(c => ksm[c, c]);

    /// <summary>
    /// ‖Δf‖² / ‖f0‖² over a set of points: the mean squared norm of the first-order term over the
    /// mean squared norm of the parent's output. Null (undefined) when f0 is zero everywhere, as
    /// for a zero-initialised head at epoch 0.
    /// </summary>
    public static double? RelativeFirstOrder(double sumDeltaSquared, double sumF0Squared) =>
        sumF0Squared == 0 ? null : sumDeltaSquared / sumF0Squared;

    private static Tensor Square(Tensor k, string name)
    {
        if (k.dim() != 2 || k.shape[0] != k.shape[1])
            throw new ArgumentException($"{name} must be a square matrix, got [{string.Join("x", k.shape)}]");
        var d = k.detach().cpu().to(ScalarType.Float64);
        if (d.isnan().any().item<bool>() || d.isinf().any().item<bool>())
            throw new ArgumentException($"{name} contains NaN or infinite entries");
        return d;
    }

    private static List<TimedKernel> Sorted(IReadOnlyList<TimedKernel> kernels)
    {
        if (kernels.Count < 2) throw new ArgumentException($"need at least two kernels, got {kernels.Count}");
        var sorted = kernels.OrderBy(k => k.Epoch).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Epoch == sorted[i - 1].Epoch) throw new ArgumentException($"two kernels at epoch {sorted[i].Epoch}");
        return sorted;
    }
}

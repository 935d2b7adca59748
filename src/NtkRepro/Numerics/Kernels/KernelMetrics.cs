using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Kernels;

/// <summary>
/// The paper's kernel metrics (PROTOCOL §2), computed in float64. The authors released no code
/// for these; the definitions are the paper's.
/// </summary>
public static class KernelMetrics
{
    /// <summary>S(K1, K2) = 1 − Tr(K1ᵀK2) / (‖K1‖_F ‖K2‖_F); 0 iff K1 = cK2 with c > 0.</summary>
    public static double Distance(Tensor k1, Tensor k2)
    {
        using var scope = torch.NewDisposeScope();
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
    /// erank(K) = exp(−Σ p_i log p_i), p = λ/Σλ over the eigenvalues of the symmetric PSD kernel,
    /// computed in float64. A kernel accumulated in float32 carries round-off: negative eigenvalues
    /// within <see cref="RoundOffBound"/> count as zero (positive round-off eigenvalues cannot be
    /// told from real ones and stay; they move erank by ~1e-6 relative on a float32 Gram matrix of
    /// rank 20 in 300 dimensions). Asymmetry or a negative eigenvalue beyond that bound is an error
    /// naming the kernel.
    /// </summary>
    /// <param name="name">Names the kernel in errors (a file, a checkpoint).</param>
    /// <param name="accumulatedIn">The dtype the kernel was computed in; by default the tensor's own.</param>
    public static double EffectiveRank(Tensor k, string name = "K", ScalarType? accumulatedIn = null)
    {
        using var scope = torch.NewDisposeScope();
        var a = Square(k, name);
        var dtype = accumulatedIn ?? k.dtype;
        var eig = torch.linalg.eigvalsh((a + a.T) / 2);
        double min = eig.min().item<double>(), max = eig.max().item<double>();
        if (max <= RoundOffBound(a.shape[0], dtype, Math.Max(max, -min)))
            throw new ArgumentException($"effective rank: {name} has no positive eigenvalue beyond {dtype} round-off (largest {max:G3}, smallest {min:G3})");
        double bound = RoundOffBound(a.shape[0], dtype, max);
        // The antisymmetric part must itself be round-off: its spectral norm (≤ its Frobenius norm) within the bound.
        double asymmetry = (a - a.T).norm().item<double>() / 2;
        if (asymmetry > bound)
            throw new ArgumentException($"effective rank: {name} is not symmetric beyond {dtype} round-off " +
                                        $"(‖K − Kᵀ‖_F/2 = {asymmetry:G3}, bound {bound:G3}, largest eigenvalue {max:G3})");
        if (min < -bound)
            throw new ArgumentException($"effective rank: {name} is not positive semi-definite: eigenvalue {min:G3} lies beyond " +
                                        $"the {dtype} round-off bound −{bound:G3} (largest eigenvalue {max:G3})");
        var lambda = eig.clamp_min(0);
        var p = lambda / lambda.sum();
        var entropy = -torch.where(p.gt(0), p * p.log(), torch.zeros_like(p)).sum().item<double>();
        return Math.Exp(entropy);
    }

    /// <summary>
    /// How far round-off moves the eigenvalues of an N×N kernel computed in <paramref name="dtype"/>:
    /// RoundOffSafety · N · ε · λmax. Each entry is off by a few ε relative to the largest entries, and
    /// a perturbation E moves eigenvalues by at most ‖E‖₂ ≤ N·max|E_ij|. Measured on float32 NTKs
    /// of rank-deficient subsets (small CNN, ResNet-18 width 8) and float32 Gram matrices with
    /// 2·10⁵-long dot products: the most negative eigenvalue is 2·10⁻⁴ to 2·10⁻³ of N·ε·λmax.
    /// </summary>
    public static double RoundOffBound(long n, ScalarType dtype, double largestEigenvalue) =>
        RoundOffSafety * n * MachineEpsilon(dtype) * largestEigenvalue;

    /// <summary>Headroom for accumulation over longer dot products (ResNet-18: 11M parameters).</summary>
    public const double RoundOffSafety = 10;

    public static double MachineEpsilon(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => Math.Pow(2, -52),
        ScalarType.Float32 => Math.Pow(2, -23),
        ScalarType.Float16 => Math.Pow(2, -10),
        ScalarType.BFloat16 => Math.Pow(2, -7),
        _ => throw new ArgumentException($"kernel dtype {dtype}: not a floating-point type"),
    };

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
        using var scope = torch.NewDisposeScope();
        var align = new double[c, c]; // align[d, c'] = A(K_dd, y_c' y_c'ᵀ)
        var labelTensor = torch.tensor(labels.ToArray());
        for (int cp = 0; cp < c; cp++)
        {
            var y = labelTensor.eq(cp).to(ScalarType.Float64);
            if (y.sum().item<double>() == 0) throw new ArgumentException($"specialization: class {cp} has no point in the subset");
            var yy = torch.outer(y, y);
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

    /// <summary>A float64 CPU copy of a square kernel, in the caller's dispose scope.</summary>
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

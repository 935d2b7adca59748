using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Eigenimages;

/// <summary>The top eigenpairs of a class kernel K_cc = U Λ Uᵀ, eigenvalues descending.</summary>
/// <param name="Values">(k) float64, descending.</param>
/// <param name="Vectors">(N, k) float64, column i the unit eigenvector of Values[i], its largest-magnitude entry positive.</param>
public sealed record EigenPairs(Tensor Values, Tensor Vectors) : IDisposable
{
    public void Dispose()
    {
        Values.Dispose();
        Vectors.Dispose();
    }
}

/// <summary>The kernel-regression weights a and how well they solve K·a = y.</summary>
/// <param name="Ridge">λ, absolute (the relative ridge times the mean diagonal of K).</param>
/// <param name="Kept">Eigenvalues of K above the cutoff, the only ones the solve uses.</param>
/// <param name="RelativeResidual">‖K·a − y‖ / ‖y‖ with K alone (no ridge).</param>
/// <param name="ConditionNumber">λ_max / λ_min of K (infinity when λ_min ≤ 0, e.g. float32 round-off of a singular kernel).</param>
public sealed record RegressionWeights(Tensor Weights, double Ridge, int Kept, double RelativeResidual, double ConditionNumber) : IDisposable
{
    public void Dispose() => Weights.Dispose();
}

/// <summary>
/// Parameter-space directions from a class kernel (PROTOCOL §5): the eigenvectors u_i of K_cc and
/// v = J_cᵀw for a weight vector w over the kernel points, computed as one vector–Jacobian product
/// ∇_θ Σ_n w_n f_c(x_n) (never forming J_c). BN must be in eval mode, so each f_c(x_n) depends on
/// x_n alone and the batched product equals the sum of per-sample rows.
/// </summary>
public static class EigenDirections
{
    /// <summary>The <paramref name="k"/> largest eigenpairs of a symmetric (N, N) kernel, in float64.</summary>
    public static EigenPairs Top(Tensor kernel, int k)
    {
        if (kernel.dim() != 2 || kernel.shape[0] != kernel.shape[1])
            throw new ArgumentException($"eigen-directions: the class kernel must be square (N, N), got ({string.Join(", ", kernel.shape)})");
        int n = (int)kernel.shape[0];
        if (k < 1 || k > n) throw new ArgumentException($"eigen-directions: {k} eigenvectors requested of an {n}x{n} kernel (1..{n})");
        using var scope = torch.NewDisposeScope();
        var k64 = kernel.detach().to(ScalarType.Float64).cpu();
        var sym = (k64 + k64.T) / 2;
        var (values, vectors) = torch.linalg.eigh(sym); // ascending
        var order = torch.arange(n - 1, n - 1 - k, -1, ScalarType.Int64);
        var top = vectors.index_select(1, order);
        // Eigenvectors have no sign: fix it so each one's largest-magnitude entry is positive.
        var pivot = top.abs().argmax(0);
        var signs = top.gather(0, pivot.unsqueeze(0)).sign();
        top = top * torch.where(signs == 0, torch.ones_like(signs), signs);
        return new EigenPairs(values.index_select(0, order).MoveToOuterDisposeScope(), top.contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Kernel regression weights a = Σ_i u_i (u_iᵀy) / (λ_i + λ) over the eigenpairs of K with λ_i &gt;
    /// <paramref name="relativeCutoff"/>·λ_max, in float64; λ = <paramref name="relativeRidge"/> × mean(diag K).
    /// For a well-conditioned K with λ = 0 this is K⁻¹y; for a singular K (the initial kernel of a
    /// zero-head network has rank ≤ features + 1) the cutoff drops the null space, whose float32
    /// round-off would otherwise be amplified by 1/λ, and a is the pseudo-inverse solution K⁺y.
    /// The residual is measured against K alone.
    /// </summary>
    public static RegressionWeights Regression(Tensor kernel, Tensor targets, double relativeRidge, double relativeCutoff = DefaultRelativeCutoff)
    {
        if (relativeRidge < 0 || !double.IsFinite(relativeRidge)) throw new ArgumentException($"ridge {relativeRidge}: must be finite and ≥ 0");
        if (relativeCutoff < 0 || !(relativeCutoff < 1)) throw new ArgumentException($"eigenvalue cutoff {relativeCutoff}: must be in [0, 1)");
        using var scope = torch.NewDisposeScope();
        var k64 = kernel.detach().to(ScalarType.Float64).cpu();
        var y = targets.detach().to(ScalarType.Float64).cpu().reshape(-1);
        if (y.shape[0] != k64.shape[0]) throw new ArgumentException($"regression: {y.shape[0]} targets for a {k64.shape[0]}x{k64.shape[0]} kernel");
        double ridge = relativeRidge * k64.diagonal().mean().ToDouble();
        var (values, vectors) = torch.linalg.eigh((k64 + k64.T) / 2);
        double max = values.max().ToDouble(), min = values.min().ToDouble();
        var keep = values > relativeCutoff * max;
        var inverse = torch.where(keep, 1.0 / (values + ridge), torch.zeros_like(values));
        var a = torch.mv(vectors, inverse * torch.mv(vectors.T, y));
        double residual = (torch.mv(k64, a) - y).norm().ToDouble() / y.norm().ToDouble();
        return new RegressionWeights(a.MoveToOuterDisposeScope(), ridge, (int)keep.sum().ToInt64(), residual,
            min <= 0 ? double.PositiveInfinity : max / min);
    }

    /// <summary>Eigenvalues below this fraction of the largest are treated as zero (float32 kernels resolve about 1e-7 of λ_max).</summary>
    public const double DefaultRelativeCutoff = 1e-6;

    /// <summary>
    /// v = J_cᵀw = ∇_θ Σ_n w_n f_c(x_n) as a flat vector in parameter order (the model's dtype and
    /// device), accumulated over chunks of <paramref name="chunk"/> samples so memory stays bounded.
    /// </summary>
    public static Tensor ParameterDirection(NtkModel model, Tensor x, int c, Tensor weights, int chunk = 64)
    {
        if (model.training) throw new InvalidOperationException("eigen-directions: the model must be in eval mode (BN running statistics)");
        if (c < 0 || c >= model.Spec.Classes) throw new ArgumentException($"class {c}: the model has classes 0..{model.Spec.Classes - 1}");
        int n = (int)x.shape[0];
        if (weights.numel() != n) throw new ArgumentException($"eigen-directions: {weights.numel()} weights for {n} samples");
        var parameters = model.ParameterList().Cast<Tensor>().ToArray();
        var names = model.ParameterNames();
        var first = parameters[0];
        var total = torch.zeros(parameters.Sum(p => p.numel()), dtype: first.dtype, device: first.device);
        for (int i0 = 0; i0 < n; i0 += chunk)
        {
            using var scope = torch.NewDisposeScope();
            int m = Math.Min(chunk, n - i0);
            var w = weights.detach().reshape(-1).narrow(0, i0, m).to(first.dtype).to(first.device);
            using var enable = torch.enable_grad();
            var output = model.forward(x.narrow(0, i0, m).to(first.device));
            var grads = Autograd.Grad([(output[TensorIndex.Colon, c] * w).sum()], parameters, inputNames: names);
            total.add_(torch.cat(grads.Select(g => g.flatten()).ToArray()));
        }
        return total;
    }
}

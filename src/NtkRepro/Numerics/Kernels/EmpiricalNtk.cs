using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Kernels;

/// <summary>
/// The empirical NTK k(x, x') = ∇_θf(x)ᵀ∇_θf(x') of a network (BN in eval mode, all parameters).
/// Computed in blocks of samples so memory stays bounded: the Jacobian rows of two blocks are
/// held at a time, and a block's rows are recomputed when they do not all fit the budget.
/// </summary>
public static class EmpiricalNtk
{
    /// <param name="BlockSize">Samples per block; by default the most that fit the memory budget.</param>
    /// <param name="MemoryBudgetBytes">Bytes the Jacobian rows of two blocks may take.</param>
    public sealed record Options(int? BlockSize = null, long MemoryBudgetBytes = 2L << 30, Action<string>? Progress = null);

    /// <summary>All class pairs: K[c, c', i, j] = ∇f_c(x_i)ᵀ∇f_c'(x_j), shape (C, C, N, N).</summary>
    public static Tensor Full(NtkModel model, Tensor x, Options? options = null)
    {
        var classes = Enumerable.Range(0, model.Spec.Classes).ToArray();
        return Gram(model, x, classes, options ?? new(), (gi, gj) => torch.einsum("ikp,jlp->klij", gi, gj));
    }

    /// <summary>The diagonal class blocks K[c, i, j] = K_{c,c}(x_i, x_j), shape (C, N, N).</summary>
    public static Tensor ClassBlocks(NtkModel model, Tensor x, Options? options = null)
    {
        options ??= new();
        int c = model.Spec.Classes;
        var all = Enumerable.Range(0, c).ToArray();
        // All classes in one pass when their rows fit; otherwise one class at a time.
        if (BlockSizeFor(model, x, all.Length, options) >= x.shape[0] || options.BlockSize is not null)
            return Gram(model, x, all, options, (gi, gj) => torch.einsum("ikp,jkp->kij", gi, gj));
        var blocks = new Tensor[c];
        for (int k = 0; k < c; k++)
            blocks[k] = Gram(model, x, [k], options, (gi, gj) => torch.einsum("ikp,jkp->kij", gi, gj));
        return torch.cat(blocks, 0);
    }

    /// <summary>A single class block K_{c,c'} (N, N).</summary>
    public static Tensor ClassPair(NtkModel model, Tensor x, int c, int cPrime, Options? options = null) =>
        Gram(model, x, c == cPrime ? [c] : [c, cPrime], options ?? new(),
            (gi, gj) => torch.einsum("ip,jp->ij", gi[.., 0], gj[.., ^1]).unsqueeze(0), symmetric: c == cPrime)[0];

    /// <summary>The trace kernel (1/C) Σ_c K_{c,c}: the mean over logits, not the sum.</summary>
    public static Tensor Trace(Tensor classBlocks) => classBlocks.mean([0]);

    public static int BlockSizeFor(NtkModel model, Tensor x, int classes, Options options)
    {
        int n = (int)x.shape[0];
        if (options.BlockSize is { } b) return b < 1 ? throw new ArgumentException($"block size {b}: must be at least 1") : Math.Min(b, n);
        long bytesPerSample = classes * PerSampleGradients.ParameterCount(model) * model.ParameterList()[0].element_size();
        return (int)Math.Clamp(options.MemoryBudgetBytes / (2 * bytesPerSample), 1, n);
    }

    /// <summary>
    /// Assembles a Gram matrix block by block. <paramref name="product"/> maps the rows of two
    /// blocks (bi, classes, P) and (bj, classes, P) to an output block whose last two axes are
    /// (bi, bj). Symmetric: only blocks J ≥ I are computed and the rest are transposes.
    /// </summary>
    private static Tensor Gram(NtkModel model, Tensor x, IReadOnlyList<int> classes, Options options,
        Func<Tensor, Tensor, Tensor> product, bool symmetric = true)
    {
        if (model.training) throw new InvalidOperationException("the NTK is computed with the model in eval mode");
        int n = (int)x.shape[0];
        int b = BlockSizeFor(model, x, classes.Count, options);
        var starts = Enumerable.Range(0, (n + b - 1) / b).Select(k => k * b).ToArray();
        Tensor? result = null;
        for (int bi = 0; bi < starts.Length; bi++)
        {
            int i0 = starts[bi], ni = Math.Min(b, n - i0);
            using var gi = PerSampleGradients.Rows(model, x.narrow(0, i0, ni), classes);
            for (int bj = symmetric ? bi : 0; bj < starts.Length; bj++)
            {
                using var scope = torch.NewDisposeScope();
                int j0 = starts[bj], nj = Math.Min(b, n - j0);
                var gj = bj == bi ? gi : PerSampleGradients.Rows(model, x.narrow(0, j0, nj), classes);
                var block = product(gi, gj);
                if (result is null)
                {
                    var shape = block.shape[..^2].Concat(new long[] { n, n }).ToArray();
                    result = torch.zeros(shape, dtype: block.dtype, device: block.device).MoveToOuterDisposeScope();
                }
                result[TensorIndex.Ellipsis, TensorIndex.Slice(i0, i0 + ni), TensorIndex.Slice(j0, j0 + nj)] = block;
                if (symmetric && bj != bi)
                    result[TensorIndex.Ellipsis, TensorIndex.Slice(j0, j0 + nj), TensorIndex.Slice(i0, i0 + ni)] = Transpose(block);
            }
            options.Progress?.Invoke($"kernel rows {Math.Min(i0 + ni, n)}/{n}");
        }
        return result!;
    }

    /// <summary>Swaps the sample axes and, for a full kernel (C, C', bi, bj), the class axes too.</summary>
    private static Tensor Transpose(Tensor block) =>
        block.dim() == 4 ? block.permute(1, 0, 3, 2) : block.transpose(-1, -2);

    /// <summary>
    /// The independent route: each column ∇f_c(x_i) by reverse mode, then J(X)·column by forward
    /// mode over all samples. N·C JVPs: for checking, not for production sizes.
    /// </summary>
    public static Tensor FullByJvp(NtkModel model, Tensor x)
    {
        if (model.training) throw new InvalidOperationException("the NTK is computed with the model in eval mode");
        int n = (int)x.shape[0], c = model.Spec.Classes;
        var parameters = model.ParameterList().Cast<Tensor>().ToArray();
        var names = model.ParameterNames();
        var k = torch.zeros([c, c, n, n], dtype: parameters[0].dtype, device: parameters[0].device);
        for (int i = 0; i < n; i++)
            for (int ci = 0; ci < c; ci++)
            {
                using var scope = torch.NewDisposeScope();
                Tensor[] column;
                using (torch.enable_grad())
                    column = Autograd.Grad([model.forward(x.narrow(0, i, 1))[0, ci]], parameters, inputNames: names);
                Tensor jv;
                using (torch.no_grad())
                    (_, jv) = Jvp.TangentPropagation(model, x, column);
                k[TensorIndex.Colon, ci, TensorIndex.Colon, i] = jv.T; // jv[j, c'] = K[c', ci, j, i]
            }
        return k;
    }
}

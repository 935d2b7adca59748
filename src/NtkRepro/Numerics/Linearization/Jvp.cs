using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Linearization;

/// <summary>How a Jacobian-vector product is computed.</summary>
public enum JvpRoute
{
    /// <summary>Explicit tangent propagation through the supported layers (fast, the default).</summary>
    TangentPropagation,

    /// <summary>
    /// The double-backward trick for any module: g(u) = Jᵀu with a graph, then Jv = ∂(g(u)·v)/∂u.
    /// The reference implementation and the fallback for modules without tangent rules.
    /// </summary>
    DoubleBackward,
}

/// <summary>f_θ(x) and J_θ(x)·v, by either route. Networks are evaluated with BN in eval mode.</summary>
public static class Jvp
{
    /// <summary>Tangent propagation over an <see cref="NtkModel"/>; tangents in parameter order.</summary>
    public static (Tensor Output, Tensor Jv) TangentPropagation(NtkModel model, Tensor x, IReadOnlyList<Tensor> tangents)
    {
        var algebra = new JvpAlgebra(model, tangents);
        var result = model.Apply(algebra, new Dual(x, null));
        algebra.RequireEveryTangentUsed();
        return (result.Primal, result.Tangent ?? torch.zeros_like(result.Primal));
    }

    /// <summary>
    /// The double-backward trick. <paramref name="parameters"/> must require grad; the result is
    /// differentiable w.r.t. the tangents and the input when <paramref name="createGraph"/> is set.
    /// </summary>
    public static (Tensor Output, Tensor Jv) DoubleBackward(nn.Module<Tensor, Tensor> module, IReadOnlyList<Tensor> parameters,
        Tensor x, IReadOnlyList<Tensor> tangents, bool createGraph)
    {
        if (parameters.Count != tangents.Count)
            throw new ArgumentException($"{tangents.Count} tangents for {parameters.Count} parameters");
        using var enable = torch.enable_grad();
        var y = module.forward(x);
        var u = torch.zeros_like(y).requires_grad_(true);
        var g = Autograd.Grad([y], parameters.ToArray(), [u], retainGraph: true, createGraph: true);
        var s = g.Zip(tangents, (gi, vi) => (gi * vi).sum()).Aggregate((a, b) => a + b);
        var jv = Autograd.Grad([s], [u], retainGraph: createGraph, createGraph: createGraph, inputNames: ["the output cotangent u"])[0];
        return (createGraph ? y : y.detach(), jv);
    }
}

using NtkRepro.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Linearization;

/// <summary>
/// Forward-mode differentiation by explicit tangent propagation: each layer maps (x, ẋ) to
/// (y, ẏ) with ẏ = ∂y/∂x·ẋ + ∂y/∂W·Ẇ, so one pass gives f_θ(x) and the Jacobian-vector product
/// J_θ(x)·v together (what jax.jvp does). Primal parameters are the layers' own; tangents are looked
/// up by parameter; a parameter without a tangent has a zero one. BatchNorm always uses its running
/// statistics (eval mode), as the linearization requires.
/// </summary>
public sealed class JvpAlgebra : ILayerAlgebra<Dual>
{
    private readonly IReadOnlyDictionary<Tensor, Tensor> _tangents;

    /// <param name="tangents">Tangent of each parameter, keyed by the parameter object itself.</param>
    public JvpAlgebra(IReadOnlyDictionary<Tensor, Tensor> tangents) => _tangents = tangents;

    public static Dictionary<Tensor, Tensor> TangentMap(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> tangents)
    {
        if (parameters.Count != tangents.Count)
            throw new ArgumentException($"{tangents.Count} tangents for {parameters.Count} parameters");
        var map = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < parameters.Count; i++)
        {
            if (!parameters[i].shape.SequenceEqual(tangents[i].shape))
                throw new ArgumentException($"tangent {i} has shape [{string.Join(",", tangents[i].shape)}], parameter has [{string.Join(",", parameters[i].shape)}]");
            map[parameters[i]] = tangents[i];
        }
        return map;
    }

    private Tensor? T(Tensor? parameter) => parameter is not null && _tangents.TryGetValue(parameter, out var t) ? t : null;

    // In place: the terms are fresh outputs that no backward formula saves.
    private static Tensor? Sum(Tensor? a, Tensor? b) => a is null ? b : b is null ? a : a.add_(b);

    public Dual Conv(ConvLayer layer, Dual x)
    {
        var y = layer.Apply(x.Primal, layer.weight, layer.bias);
        var fromInput = x.Tangent is null ? null : layer.Apply(x.Tangent, layer.weight, null);
        var (dw, db) = (T(layer.weight), T(layer.bias));
        Tensor? fromWeights = dw is not null ? layer.Apply(x.Primal, dw, db)
            : db is not null ? db.view(1, -1, 1, 1).expand_as(y) : null;
        return new Dual(y, Sum(fromInput, fromWeights));
    }

    public Dual Linear(LinearLayer layer, Dual x)
    {
        var y = F.linear(x.Primal, layer.weight, layer.bias);
        var fromInput = x.Tangent is null ? null : F.linear(x.Tangent, layer.weight);
        var (dw, db) = (T(layer.weight), T(layer.bias));
        Tensor? fromWeights = dw is not null ? F.linear(x.Primal, dw, db)
            : db is not null ? db.expand_as(y) : null;
        return new Dual(y, Sum(fromInput, fromWeights));
    }

    public Dual BatchNorm(BatchNormLayer layer, Dual x)
    {
        // Eval-mode BN is affine per channel, so both terms are eval-mode batch norms (one fused
        // op each): ẏ = BN(ẋ; μ=0, σ², γ, 0) + BN(x; μ, σ², dγ, dβ).
        var y = F.batch_norm(x.Primal, layer.running_mean, layer.running_var, layer.weight, layer.bias, false, 0, BatchNormLayer.Eps);
        Tensor? fromInput = x.Tangent is null ? null
            : F.batch_norm(x.Tangent, torch.zeros_like(layer.running_mean), layer.running_var, layer.weight, null, false, 0, BatchNormLayer.Eps);
        var (dg, db) = (T(layer.weight), T(layer.bias));
        Tensor? fromAffine = dg is null && db is null ? null
            : F.batch_norm(x.Primal, layer.running_mean, layer.running_var, dg ?? torch.zeros_like(layer.weight), db, false, 0, BatchNormLayer.Eps);
        return new Dual(y, Sum(fromInput, fromAffine));
    }

    public Dual Relu(Dual x)
    {
        var y = F.relu(x.Primal);
        return new Dual(y, x.Tangent is null ? null : x.Tangent.mul(y.gt(0)));
    }

    public Dual Add(Dual a, Dual b) => new(a.Primal + b.Primal, Sum(a.Tangent, b.Tangent));

    public Dual GlobalAvgPool(Dual x) => new(x.Primal.mean([2, 3]), x.Tangent?.mean([2, 3]));

    public Dual AvgPool(Dual x, int kernel) => new(F.avg_pool2d(x.Primal, kernel), x.Tangent is null ? null : F.avg_pool2d(x.Tangent, kernel));

    public Dual MaxPool(Dual x, int kernel)
    {
        var (y, indices) = F.max_pool2d_with_indices(x.Primal, [kernel, kernel]);
        if (x.Tangent is null) return new Dual(y, null);
        // The tangent flows through the selected (argmax) input of each window.
        var t = x.Tangent.flatten(2).gather(2, indices.flatten(2)).view_as(y);
        return new Dual(y, t);
    }

    public Dual Flatten(Dual x) => new(x.Primal.flatten(1), x.Tangent?.flatten(1));
}

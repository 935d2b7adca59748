using NtkRepro.Numerics.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Linearization;

/// <summary>
/// Forward-mode differentiation by explicit tangent propagation: each layer maps (x, ẋ) to
/// (y, ẏ) with ẏ = ∂y/∂x·ẋ + ∂y/∂W·Ẇ, so one pass gives f_θ(x) and the Jacobian-vector product
/// J_θ(x)·v together (what jax.jvp does). Primal parameters are the layers' own; tangents are looked
/// up by parameter. Every parameter of the model has exactly one tangent: a layer parameter without
/// one, or a model parameter the pass never reaches (<see cref="RequireEveryTangentUsed"/>), is an
/// error naming it, never a silent zero. BatchNorm always uses its running statistics (eval mode),
/// as the linearization requires.
/// </summary>
public sealed class JvpAlgebra : ILayerAlgebra<Dual>
{
    private readonly Dictionary<Tensor, (Tensor Tangent, string Name)> _tangents = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Tensor> _used = new(ReferenceEqualityComparer.Instance);
    private readonly IReadOnlyList<Tensor> _parameters;

    /// <param name="tangents">The tangent of each parameter of <paramref name="model"/>, in parameter order.</param>
    public JvpAlgebra(NtkModel model, IReadOnlyList<Tensor> tangents)
    {
        _parameters = model.ParameterList();
        var names = model.ParameterNames();
        if (_parameters.Count != tangents.Count)
            throw new ArgumentException($"{tangents.Count} tangents for {_parameters.Count} parameters");
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (!_parameters[i].shape.SequenceEqual(tangents[i].shape))
                throw new ArgumentException($"the tangent of parameter '{names[i]}' has shape [{string.Join(",", tangents[i].shape)}], the parameter has [{string.Join(",", _parameters[i].shape)}]");
            if (!_tangents.TryAdd(_parameters[i], (tangents[i], names[i])))
                throw new ArgumentException($"parameter '{names[i]}' appears twice in the model's parameter list");
        }
    }

    /// <summary>After a pass: throws when a parameter of the model was never reached, so its tangent was ignored.</summary>
    public void RequireEveryTangentUsed()
    {
        foreach (var p in _parameters)
            if (!_used.Contains(p))
                throw new InvalidOperationException($"JVP: parameter '{_tangents[p].Name}' was never reached by the tangent pass " +
                    "(its layer does not go through the layer algebra), so its tangent would be ignored");
    }

    private Tensor? T(nn.Module layer, Tensor? parameter, string role)
    {
        if (parameter is null) return null; // a layer without that parameter (a conv without bias)
        if (!_tangents.TryGetValue(parameter, out var entry))
            throw new InvalidOperationException($"JVP: parameter '{layer.GetName()}.{role}' has no tangent: it is not a registered parameter of the model");
        _used.Add(parameter);
        return entry.Tangent;
    }

    // In place: the terms are fresh outputs that no backward formula saves.
    private static Tensor? Sum(Tensor? a, Tensor? b) => a is null ? b : b is null ? a : a.add_(b);

    public Dual Conv(ConvLayer layer, Dual x)
    {
        var y = layer.Apply(x.Primal, layer.weight, layer.bias);
        var fromInput = x.Tangent is null ? null : layer.Apply(x.Tangent, layer.weight, null);
        var fromWeights = layer.Apply(x.Primal, T(layer, layer.weight, "weight")!, T(layer, layer.bias, "bias"));
        return new Dual(y, Sum(fromInput, fromWeights));
    }

    public Dual Linear(LinearLayer layer, Dual x)
    {
        var y = F.linear(x.Primal, layer.weight, layer.bias);
        var fromInput = x.Tangent is null ? null : F.linear(x.Tangent, layer.weight);
        var fromWeights = F.linear(x.Primal, T(layer, layer.weight, "weight")!, T(layer, layer.bias, "bias"));
        return new Dual(y, Sum(fromInput, fromWeights));
    }

    public Dual BatchNorm(BatchNormLayer layer, Dual x)
    {
        // Eval-mode BN is affine per channel, so both terms are eval-mode batch norms (one fused
        // op each): ẏ = BN(ẋ; μ=0, σ², γ, 0) + BN(x; μ, σ², dγ, dβ).
        var y = F.batch_norm(x.Primal, layer.running_mean, layer.running_var, layer.weight, layer.bias, false, 0, BatchNormLayer.Eps);
        Tensor? fromInput = x.Tangent is null ? null
            : F.batch_norm(x.Tangent, torch.zeros_like(layer.running_mean), layer.running_var, layer.weight, null, false, 0, BatchNormLayer.Eps);
        var fromAffine = F.batch_norm(x.Primal, layer.running_mean, layer.running_var,
            T(layer, layer.weight, "weight"), T(layer, layer.bias, "bias"), false, 0, BatchNormLayer.Eps);
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

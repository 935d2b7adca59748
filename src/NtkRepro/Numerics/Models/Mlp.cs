
namespace NtkRepro.Numerics.Models;

/// <summary>
/// A two-layer perceptron on flattened images (hidden width = Width), used where a test wants a
/// network without convolutions. Its head is randomly initialised so that every parameter has
/// a non-zero gradient from the start.
/// </summary>
public sealed class Mlp : NtkModel
{
    private readonly LinearLayer _hidden, _out;

    public Mlp(ModelSpec spec) : base("Mlp", spec)
    {
        _hidden = new LinearLayer("hidden", 3 * 32 * 32, spec.Width, zeroInit: false);
        _out = new LinearLayer("out", spec.Width, spec.Classes, zeroInit: false);
        register_module("hidden", _hidden);
        register_module("out", _out);
    }

    public override T Apply<T>(ILayerAlgebra<T> a, T x) => a.Linear(_out, a.Relu(a.Linear(_hidden, a.Flatten(x))));
}


namespace NtkRepro.Numerics.Models;

/// <summary>
/// The CPU tiers' network: four 3x3 conv–BN–ReLU layers (w, 2w, 2w, 4w channels; the second and
/// fourth with stride 2), global average pool and a zero-initialised linear head, like the
/// ResNet's. Width 16 has 33,626 parameters for 10 classes.
/// </summary>
public sealed class SmallCnn : NtkModel
{
    private readonly (ConvLayer Conv, BatchNormLayer Bn)[] _layers;
    private readonly LinearLayer _linear;

    public SmallCnn(ModelSpec spec) : base("SmallCnn", spec)
    {
        int w = spec.Width;
        (int In, int Out, int Stride)[] shape = [(3, w, 1), (w, 2 * w, 2), (2 * w, 2 * w, 1), (2 * w, 4 * w, 2)];
        _layers = shape.Select((s, i) => (new ConvLayer($"conv{i + 1}", s.In, s.Out, 3, s.Stride, 1), new BatchNormLayer($"bn{i + 1}", s.Out))).ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            register_module($"conv{i + 1}", _layers[i].Conv);
            register_module($"bn{i + 1}", _layers[i].Bn);
        }
        _linear = new LinearLayer("linear", 4 * w, spec.Classes, zeroInit: true);
        register_module("linear", _linear);
    }

    public override T Apply<T>(ILayerAlgebra<T> a, T x)
    {
        var h = x;
        foreach (var (conv, bn) in _layers) h = a.Relu(a.BatchNorm(bn, a.Conv(conv, h)));
        return a.Linear(_linear, a.GlobalAvgPool(h));
    }
}

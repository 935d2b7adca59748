using NtkRepro.Numerics.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>Networks with a wiring defect that must be reported, never silently differentiated as zero.</summary>
public static class MiswiredNets
{
    public static NtkModel Build(NtkModel model)
    {
        model.to(ScalarType.Float64);
        model.eval();
        return model;
    }
}

/// <summary>Registers a second head that Apply never uses: its parameters have no effect on the output.</summary>
public sealed class UnusedHeadNet : NtkModel
{
    private readonly LinearLayer _head, _unused;

    public UnusedHeadNet(int classes = 3) : base("UnusedHeadNet", new ModelSpec("unused-head", 0, classes))
    {
        _head = new LinearLayer("head", 3 * 32 * 32, classes, zeroInit: false);
        _unused = new LinearLayer("unused", 3 * 32 * 32, classes, zeroInit: false);
        register_module("head", _head);
        register_module("unused", _unused);
    }

    public override T Apply<T>(ILayerAlgebra<T> a, T x) => a.Linear(_head, a.Flatten(x));
}

/// <summary>Uses a layer it never registered: the layer's parameters are not the model's.</summary>
public sealed class UnregisteredLayerNet : NtkModel
{
    private readonly LinearLayer _head;
    private readonly ConvLayer _hidden = new("hidden", 3, 3, 3, 1, 1);

    public UnregisteredLayerNet(int classes = 3) : base("UnregisteredLayerNet", new ModelSpec("unregistered", 0, classes))
    {
        _head = new LinearLayer("head", 3 * 32 * 32, classes, zeroInit: false);
        register_module("head", _head);
        _hidden.to(ScalarType.Float64);
    }

    public override T Apply<T>(ILayerAlgebra<T> a, T x) => a.Linear(_head, a.Flatten(a.Relu(a.Conv(_hidden, x))));
}

/// <summary>Applies one convolution twice (shared weights).</summary>
public sealed class SharedConvNet : NtkModel
{
    private readonly ConvLayer _conv;
    private readonly LinearLayer _head;

    public SharedConvNet(int classes = 3) : base("SharedConvNet", new ModelSpec("shared-conv", 0, classes))
    {
        _conv = new ConvLayer("conv", 3, 3, 3, 1, 1);
        _head = new LinearLayer("head", 3 * 32 * 32, classes, zeroInit: false);
        register_module("conv", _conv);
        register_module("head", _head);
    }

    public override T Apply<T>(ILayerAlgebra<T> a, T x) => a.Linear(_head, a.Flatten(a.Relu(a.Conv(_conv, a.Relu(a.Conv(_conv, x))))));
}

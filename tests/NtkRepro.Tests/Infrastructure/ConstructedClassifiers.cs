using NtkRepro.Numerics.Linearization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// logits = body(x)·Wᵀ + b with a fixed random W: a classifier whose dependence on its input is
/// whatever <c>body</c> makes it (piecewise constant, absent, NaN-differentiable).
/// </summary>
public sealed class ConstructedClassifier : Classifier
{
    private readonly Parameter _w, _b;
    private readonly Func<Tensor, Tensor> _body;

    public ConstructedClassifier(Func<Tensor, Tensor> body, int classes = 10, int seed = 0) : base("Constructed")
    {
        _body = body;
        var generator = new Generator((ulong)seed);
        _w = new Parameter(torch.randn(classes, 3 * 32 * 32, generator: generator) * 0.05);
        _b = new Parameter(torch.zeros(classes));
        generator.Dispose();
        register_parameter("w", _w);
        register_parameter("b", _b);
    }

    public override Dynamics Dynamics => Dynamics.Standard;
    public override IReadOnlyList<Parameter> Trainable => [_w, _b];
    public override nn.Module CheckpointModule => this;
    public override void SetTraining(bool training) { }
    public override bool IsTraining => false;
    public override Tensor forward(Tensor x) => nn.functional.linear(_body(x).flatten(1), _w, _b);

    /// <summary>Linear in round(4x)/4: piecewise constant, so ∇ₓ is exactly zero everywhere.</summary>
    public static ConstructedClassifier PiecewiseConstant() => new(x => x.mul(4).round().div(4));

    /// <summary>Linear in x for images brighter than 0.5 on average, piecewise constant for the others.</summary>
    public static ConstructedClassifier ConstantOnDarkImages() => new(x =>
    {
        var bright = x.detach().mean([1, 2, 3], keepdim: true).gt(0.5);
        return torch.where(bright, x, x.mul(4).round().div(4));
    });

    /// <summary>Ignores its input: the logits depend on the parameters only.</summary>
    public static ConstructedClassifier InputFree() => new(x => torch.ones_like(x).detach());

    /// <summary>Linear in x with finite logits, but a NaN input gradient (0 · √(0·x), whose derivative is 0·∞).</summary>
    public static ConstructedClassifier NaNGradient() => new(x => x + 0 * x.mul(0).sqrt());
}

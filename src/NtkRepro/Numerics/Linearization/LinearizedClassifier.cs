using NtkRepro.Numerics.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Linearization;

/// <summary>
/// Linearized f_{θt}(x) + J_{θt}(x)(θ − θt) or centered J_{θt}(x)(θ − θt) dynamics around a
/// parent. The parent θt (parameters and BN statistics) is a frozen private copy; the trainable
/// θ starts at θt. One forward pass computes f_{θt}(x) and J(θ − θt) together.
/// </summary>
public sealed class LinearizedClassifier : Classifier, ITaylorModel
{
    private readonly NtkModel _parent;
    private readonly ParameterList _theta = new();
    private readonly Dynamics _dynamics;

    public LinearizedClassifier(NtkModel parent, Dynamics dynamics, JvpRoute route = JvpRoute.TangentPropagation)
        : base(dynamics.ToString())
    {
        if (!dynamics.Kind().LinearInParameters) throw new ArgumentException($"{dynamics.Name()} dynamics is not a Taylor model of the parent: use its own classifier");
        _dynamics = dynamics;
        Route = route;
        _parent = parent.Clone();
        _parent.eval();
        foreach (var p in _parent.ParameterList())
        {
            p.requires_grad_(route == JvpRoute.DoubleBackward); // the double-backward trick differentiates w.r.t. θt
            _theta.Add(new Parameter(p.detach().clone()));
        }
        register_module("parent", _parent);
        register_module("theta", _theta);
    }

    public JvpRoute Route { get; }
    public override Dynamics Dynamics => _dynamics;
    public override IReadOnlyList<Parameter> Trainable => _theta.ToList();
    public override nn.Module CheckpointModule => this;
    public NtkModel Parent => _parent;
    public override ITaylorModel Taylor => this;

    public override void SetTraining(bool training) { } // BN statistics are the parent's, frozen
    public override bool IsTraining => false;

    public override Tensor forward(Tensor x)
    {
        var (f0, delta) = Decompose(x);
        return Logits(f0, delta);
    }

    /// <summary>The classifier's output from the two terms of <see cref="Decompose"/>.</summary>
    public Tensor Logits(Tensor f0, Tensor delta) => _dynamics.Kind().IncludesParentOutput ? f0 + delta : delta;

    /// <summary>f_{θt}(x) and Δf = J_{θt}(x)(θ − θt).</summary>
    public (Tensor F0, Tensor Delta) Decompose(Tensor x)
    {
        var parentParameters = _parent.ParameterList();
        var tangents = _theta.Zip(parentParameters, (t, p) => (Tensor)(t - p)).ToList();
        return Route == JvpRoute.TangentPropagation
            ? Jvp.TangentPropagation(_parent, x, tangents)
            : Jvp.DoubleBackward(_parent, parentParameters.Cast<Tensor>().ToList(), x, tangents, createGraph: true);
    }
}

using NtkRepro.Numerics.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>Small networks and helpers for the numerical oracles.</summary>
public static class TestNets
{
    /// <summary>A network whose every parameter matters at the start: random head, moved BN statistics, float64, eval.</summary>
    public static NtkModel Float64(NtkModel model, int seed = 0)
    {
        model.to(ScalarType.Float64);
        torch.manual_seed(seed);
        using (torch.no_grad())
        {
            foreach (var (name, p) in model.named_parameters())
                if (name.StartsWith("linear.") || name.Contains("bn")) p.add_(torch.randn_like(p) * 0.3);
        }
        model.train();
        using (var x = torch.rand(8, 3, 32, 32, dtype: ScalarType.Float64)) model.forward(x).Dispose();
        // One update leaves BN's average at that batch's statistics, which normalise every unit to
        // near 0 and put many ReLUs at their kink; a tenth of the way from the 0/1 prior keeps the
        // statistics moved while the oracles stay in the smooth regime they assume.
        using (torch.no_grad())
            foreach (var bn in model.modules().OfType<BatchNormLayer>())
            {
                bn.running_mean.mul_(0.1);
                bn.running_var.mul_(0.1).add_(0.9);
            }
        model.eval();
        return model;
    }

    public static NtkModel SmallCnn(int width = 4, int classes = 3) => Float64(new ModelSpec(ModelSpec.SmallCnn, width, classes).Create(1));
    public static NtkModel ResNet(int width = 2, int classes = 3) => Float64(new ModelSpec(ModelSpec.ResNet18, width, classes).Create(2));
    public static NtkModel Mlp(int width = 8, int classes = 3) => Float64(new ModelSpec(ModelSpec.Mlp, width, classes).Create(3));
    public static NtkModel PoolNet(int classes = 3) => Float64(new PoolNet(classes));
    public static NtkModel LinearNet(int classes = 3)
    {
        var model = new LinearNet(classes);
        model.to(ScalarType.Float64);
        return model;
    }

    public static IEnumerable<object[]> AllNets() =>
        new[] { "mlp", "small-cnn", "resnet18", "pool" }.Select(n => new object[] { n });

    public static NtkModel ByName(string name) => name switch
    {
        "mlp" => Mlp(),
        "small-cnn" => SmallCnn(),
        "resnet18" => ResNet(),
        "pool" => PoolNet(),
        _ => throw new ArgumentException(name),
    };

    public static List<Tensor> RandomTangents(NtkModel model, int seed, double scale = 1.0)
    {
        torch.manual_seed(seed);
        return model.ParameterList().Select(p => torch.randn_like(p) * scale).ToList();
    }

    /// <summary>A random direction of unit norm over all parameters together.</summary>
    public static List<Tensor> UnitTangents(NtkModel model, int seed)
    {
        var v = RandomTangents(model, seed);
        double norm = Math.Sqrt(v.Sum(t => t.pow(2).sum().ToDouble()));
        return v.Select(t => t / norm).ToList();
    }

    /// <summary>A copy of the model with θ + a·v.</summary>
    public static NtkModel Shifted(NtkModel model, IReadOnlyList<Tensor> v, double a)
    {
        var copy = model.Clone();
        copy.eval();
        using (torch.no_grad())
        {
            var ps = copy.ParameterList();
            for (int i = 0; i < ps.Count; i++) ps[i].add_(v[i] * a);
        }
        return copy;
    }

    public static double MaxAbs(Tensor t) => t.abs().max().ToDouble();
    public static double RelErr(Tensor a, Tensor b) => (a - b).abs().max().ToDouble() / Math.Max(1e-300, b.abs().max().ToDouble());
}

/// <summary>conv → BN → ReLU → max-pool → conv → avg-pool → flatten → linear: covers the pooling tangents.</summary>
public sealed class PoolNet : NtkModel
{
    private readonly ConvLayer _c1, _c2;
    private readonly BatchNormLayer _bn;
    private readonly LinearLayer _linear;

    public PoolNet(int classes) : base("PoolNet", new ModelSpec("pool-net", 4, classes))
    {
        _c1 = new ConvLayer("c1", 3, 4, 3, 1, 1, bias: true);
        _bn = new BatchNormLayer("bn", 4);
        _c2 = new ConvLayer("c2", 4, 4, 3, 1, 1);
        _linear = new LinearLayer("linear", 4 * 8 * 8, classes, zeroInit: false);
        register_module("c1", _c1);
        register_module("bn", _bn);
        register_module("c2", _c2);
        register_module("linear", _linear);
    }

    public override NtkModel BuildSibling() => new PoolNet(Spec.Classes);

    public override T Apply<T>(ILayerAlgebra<T> a, T x) =>
        a.Linear(_linear, a.Flatten(a.AvgPool(a.Relu(a.Conv(_c2, a.MaxPool(a.Relu(a.BatchNorm(_bn, a.Conv(_c1, x))), 2))), 2)));
}

/// <summary>f(x) = W·vec(x) + b: linear in its parameters, so its NTK is (xᵀx' + 1)·I_C.</summary>
public sealed class LinearNet : NtkModel
{
    private readonly LinearLayer _linear;

    public LinearNet(int classes) : base("LinearNet", new ModelSpec("linear-net", 0, classes))
    {
        _linear = new LinearLayer("linear", 3 * 32 * 32, classes, zeroInit: false);
        register_module("linear", _linear);
    }

    public override NtkModel BuildSibling() => new LinearNet(Spec.Classes);

    public override T Apply<T>(ILayerAlgebra<T> a, T x) => a.Linear(_linear, a.Flatten(x));
}

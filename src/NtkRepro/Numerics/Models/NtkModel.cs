using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Models;

/// <summary>
/// A classifier network written once, against <see cref="ILayerAlgebra{T}"/>. The standard
/// forward pass uses <see cref="StandardAlgebra"/>; linearization evaluates the same definition
/// over (primal, tangent) pairs.
/// </summary>
public abstract class NtkModel : nn.Module<Tensor, Tensor>
{
    protected NtkModel(string name, ModelSpec spec) : base(name) => Spec = spec;

    public ModelSpec Spec { get; }

    // Registration is explicit (register_module/parameter/buffer in the constructor). TorchSharp
    // would otherwise register every Module/Tensor field again under its field name when this
    // module is added to a parent, duplicating entries in the state dict.
    protected override void RegisterComponents() { }

    public abstract T Apply<T>(ILayerAlgebra<T> algebra, T x);

    public override Tensor forward(Tensor x) => Apply(StandardAlgebra.Instance, x);

    /// <summary>Parameters in registration order, the order every flat parameter vector uses.</summary>
    public IReadOnlyList<Parameter> ParameterList() => parameters().ToList();

    /// <summary>Names of the parameters, in <see cref="ParameterList"/> order.</summary>
    public IReadOnlyList<string> ParameterNames() => named_parameters().Select(p => p.name).ToList();

    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>A fresh network of the same shape (parameters arbitrary), on the CPU in float32.</summary>
    public virtual NtkModel BuildSibling() => Spec.Build();

    /// <summary>
    /// What Haiku's init leaves in BatchNorm's statistics: the network runs once in training mode
    /// on <paramref name="batch"/> and each layer's average holds that batch's statistics, with the
    /// moving average's counter and hidden state still 0 (see <see cref="BatchNormLayer"/>; the
    /// authors' init batch is the first of a shuffled pass over the training set, run_exp.py:135-140).
    /// </summary>
    public void InitializeBatchNorm(Tensor batch)
    {
        var layers = modules().OfType<BatchNormLayer>().ToList();
        bool wasTraining = training;
        foreach (var layer in layers) layer.Initializing = true;
        try
        {
            train(true);
            using (torch.no_grad()) forward(batch).Dispose();
        }
        finally
        {
            foreach (var layer in layers) layer.Initializing = false;
            train(wasTraining);
        }
    }

    /// <summary>An independent copy: same parameters and buffers, dtype and device.</summary>
    public NtkModel Clone()
    {
        var reference = ParameterList()[0];
        var copy = BuildSibling();
        copy.to(reference.dtype).to(reference.device);
        using (torch.no_grad())
        {
            var source = state_dict();
            foreach (var (name, tensor) in copy.state_dict())
                tensor.copy_(source[name]);
        }
        copy.train(training);
        return copy;
    }
}

/// <summary>Which network, how wide, how many classes: enough to rebuild it.</summary>
public sealed record ModelSpec(string Architecture, int Width, int Classes)
{
    /// <summary>
    /// What the code builds for a spec, part of every configuration's hash so that a change never
    /// reuses runs of the old one. 2: the authors' initialisation and BatchNorm statistics; 3
    /// (ResNet-18 only, whose runs it changes): Haiku's SAME padding of stride-2 convolutions.
    /// </summary>
    public int Revision { get; init; } = Architecture == ResNet18 ? 3 : 2;

    public const string ResNet18 = "resnet18";
    public const string SmallCnn = "small-cnn";
    public const string Mlp = "mlp";

    public static readonly IReadOnlyList<string> Architectures = [ResNet18, SmallCnn, Mlp];

    /// <summary>Builds the network with parameters drawn from <paramref name="seed"/> (seeds torch's global generator).</summary>
    public NtkModel Create(int seed)
    {
        torch.manual_seed(seed);
        return Build();
    }

    /// <summary>
    /// Builds the network from torch's global generator as it stands, without reseeding it; for
    /// models whose parameters are overwritten next (copies, checkpoints).
    /// </summary>
    public NtkModel Build()
    {
        return Architecture switch
        {
            ResNet18 => new ResNet18(this),
            SmallCnn => new SmallCnn(this),
            Mlp => new Mlp(this),
            _ => throw new ArgumentException($"unknown architecture '{Architecture}' (known: {string.Join(", ", Architectures)})"),
        };
    }

    public override string ToString() => $"{Architecture} (width {Width}, {Classes} classes)";
}

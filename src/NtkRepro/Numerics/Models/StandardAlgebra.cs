using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Models;

/// <summary>The ordinary forward pass with each layer's own parameters; BN follows the layer's mode.</summary>
public sealed class StandardAlgebra : ILayerAlgebra<Tensor>
{
    public static readonly StandardAlgebra Instance = new();

    public Tensor Conv(ConvLayer layer, Tensor x) => layer.Apply(x, layer.weight, layer.bias);
    public Tensor Linear(LinearLayer layer, Tensor x) => F.linear(x, layer.weight, layer.bias);
    public Tensor BatchNorm(BatchNormLayer layer, Tensor x) => layer.Standard(x);
    public Tensor Relu(Tensor x) => F.relu(x);
    public Tensor Add(Tensor a, Tensor b) => a + b;
    public Tensor GlobalAvgPool(Tensor x) => x.mean([2, 3]);
    public Tensor AvgPool(Tensor x, int kernel) => F.avg_pool2d(x, kernel);
    public Tensor MaxPool(Tensor x, int kernel) => F.max_pool2d(x, kernel);
    public Tensor Flatten(Tensor x) => x.flatten(1);
}

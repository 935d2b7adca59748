using NtkRepro.Numerics.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Kernels;

/// <summary>
/// The eval-mode forward pass, remembering each parametrised layer's input and output. Given the
/// gradient of a scalar w.r.t. a layer's output for every sample, the layer's per-sample parameter
/// gradients follow in closed form (an outer product summed over positions), so one batched
/// backward pass per class gives every sample's Jacobian row.
/// </summary>
internal sealed class RecordingAlgebra : ILayerAlgebra<Tensor>
{
    public sealed record Record(nn.Module Layer, Tensor Input, Tensor Output);

    public List<Record> Records { get; } = new();

    private Tensor Keep(nn.Module layer, Tensor input, Tensor output)
    {
        Records.Add(new Record(layer, input, output));
        return output;
    }

    public Tensor Conv(ConvLayer layer, Tensor x) => Keep(layer, x, layer.Apply(x, layer.weight, layer.bias));
    public Tensor Linear(LinearLayer layer, Tensor x) => Keep(layer, x, F.linear(x, layer.weight, layer.bias));
    public Tensor BatchNorm(BatchNormLayer layer, Tensor x) =>
        Keep(layer, x, F.batch_norm(x, layer.running_mean, layer.running_var, layer.weight, layer.bias, false, 0, BatchNormLayer.Eps));
    // Layers without parameters: as in the standard pass.
    private static readonly StandardAlgebra Plain = StandardAlgebra.Instance;
    public Tensor Relu(Tensor x) => Plain.Relu(x);
    public Tensor Add(Tensor a, Tensor b) => Plain.Add(a, b);
    public Tensor GlobalAvgPool(Tensor x) => Plain.GlobalAvgPool(x);
    public Tensor AvgPool(Tensor x, int kernel) => Plain.AvgPool(x, kernel);
    public Tensor MaxPool(Tensor x, int kernel) => Plain.MaxPool(x, kernel);
    public Tensor Flatten(Tensor x) => Plain.Flatten(x);

    /// <summary>
    /// Per-sample gradients (B, numel) of each parameter of the recorded layer, given the
    /// per-sample gradient w.r.t. its output; <paramref name="cache"/> holds class-independent
    /// intermediates (unfolded inputs, normalised inputs), moved to the caller's outer dispose scope.
    /// </summary>
    public static IEnumerable<(Tensor Parameter, Tensor Gradient)> ParameterGradients(Record r, Tensor gradOutput, Dictionary<Record, Tensor> cache)
    {
        long b = gradOutput.shape[0];
        switch (r.Layer)
        {
            case ConvLayer conv:
            {
                long k = conv.weight.shape[2];
                if (!cache.TryGetValue(r, out var unfolded))
                {
                    var (input, padding) = conv.Prepare(r.Input);
                    cache[r] = unfolded = F.unfold(input, k, 1, padding, conv.Stride).MoveToOuterDisposeScope(); // (B, Cin·k·k, L)
                }
                var g = gradOutput.flatten(2);                                                // (B, Cout, L)
                yield return (conv.weight, torch.bmm(g, unfolded.transpose(1, 2)).reshape(b, -1));
                if (conv.bias is not null) yield return (conv.bias, g.sum(2));
                break;
            }
            case LinearLayer linear:
                yield return (linear.weight, (gradOutput.unsqueeze(2) * r.Input.unsqueeze(1)).reshape(b, -1));
                yield return (linear.bias, gradOutput);
                break;
            case BatchNormLayer bn:
            {
                if (!cache.TryGetValue(r, out var normalized))
                    cache[r] = normalized = F.batch_norm(r.Input, bn.running_mean, bn.running_var, null, null, false, 0, BatchNormLayer.Eps).MoveToOuterDisposeScope();
                yield return (bn.weight, (gradOutput * normalized).sum([2, 3]));
                yield return (bn.bias, gradOutput.sum([2, 3]));
                break;
            }
            default:
                throw new InvalidOperationException($"no per-sample gradient rule for {r.Layer.GetType().Name}");
        }
    }
}

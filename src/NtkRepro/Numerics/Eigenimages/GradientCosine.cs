using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Eigenimages;

/// <summary>
/// cos(∇_θ f_c(x_b), v_b) for a batch of images, each against its own parameter direction, as a
/// differentiable function of the images (a double backward: the gradient w.r.t. x of a function
/// of the parameter gradient). Two routes:
/// <see cref="Batched"/> gets every image's own parameter gradient in one pass — one backward to the
/// layer outputs with create_graph, then each layer's per-sample parameter gradient in closed form
/// (<see cref="RecordingAlgebra"/>), all differentiable in x; <see cref="PerImage"/> is the plain
/// reference, one autograd.grad(create_graph) per image.
/// </summary>
public static class GradientCosine
{
    /// <summary>Cosines (B) of every image's parameter gradient with its direction (B, P) (rows in parameter order).</summary>
    public static Tensor Batched(NtkModel model, Tensor x, int c, Tensor directions)
    {
        RequireEval(model);
        using var outer = torch.NewDisposeScope(); // the closed form's cached intermediates land here
        Tensor result;
        using (var inner = torch.NewDisposeScope())
        {
            var algebra = new RecordingAlgebra();
            var output = model.Apply(algebra, x);
            var layerOutputs = algebra.Records.Select(r => r.Output).ToArray();
            var names = algebra.Records.Select(r => $"the output of layer '{r.Layer.GetName()}'").ToList();
            var gradOutputs = Autograd.Grad([output[TensorIndex.Colon, c].sum()], layerOutputs, retainGraph: true, createGraph: true, inputNames: names);
            var offsets = Offsets(model);
            var cache = new Dictionary<RecordingAlgebra.Record, Tensor>();
            var dot = torch.zeros(x.shape[0], dtype: directions.dtype, device: directions.device);
            var squared = torch.zeros_like(dot);
            var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
            for (int r = 0; r < layerOutputs.Length; r++)
                foreach (var (parameter, gradient) in RecordingAlgebra.ParameterGradients(algebra.Records[r], gradOutputs[r], cache))
                {
                    if (!offsets.TryGetValue(parameter, out var slot) || !seen.Add(parameter))
                        throw new InvalidOperationException($"gradient cosine: layer '{algebra.Records[r].Layer.GetName()}' has an unregistered or shared parameter");
                    dot = dot + (gradient * directions.narrow(1, slot.Offset, slot.Count)).sum(1);
                    squared = squared + gradient.pow(2).sum(1);
                }
            if (seen.Count != offsets.Count)
                throw new InvalidOperationException("gradient cosine: some parameters did not go through the layer algebra");
            result = (dot / (squared.sqrt() * directions.pow(2).sum(1).sqrt())).MoveToOuterDisposeScope();
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The reference: each image's parameter gradient by its own autograd.grad with create_graph.</summary>
    public static Tensor PerImage(NtkModel model, Tensor x, int c, Tensor directions)
    {
        RequireEval(model);
        var parameters = model.ParameterList().Cast<Tensor>().ToArray();
        var names = model.ParameterNames();
        var cosines = new Tensor[x.shape[0]];
        for (int b = 0; b < cosines.Length; b++)
        {
            var output = model.forward(x.narrow(0, b, 1));
            var grads = Autograd.Grad([output[0, c]], parameters, retainGraph: true, createGraph: true, inputNames: names); // the double backward goes through this graph again
            var g = torch.cat(grads.Select(t => t.flatten()).ToArray());
            var v = directions[b];
            cosines[b] = torch.dot(g, v) / (g.norm() * v.norm());
        }
        return torch.stack(cosines);
    }

    private static Dictionary<Tensor, (long Offset, long Count)> Offsets(NtkModel model)
    {
        var map = new Dictionary<Tensor, (long, long)>(ReferenceEqualityComparer.Instance);
        long offset = 0;
        foreach (var p in model.ParameterList())
        {
            map[p] = (offset, p.numel());
            offset += p.numel();
        }
        return map;
    }

    private static void RequireEval(NtkModel model)
    {
        if (model.training) throw new InvalidOperationException("gradient cosine: the model must be in eval mode (BN running statistics)");
    }
}

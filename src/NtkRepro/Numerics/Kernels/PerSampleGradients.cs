using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Kernels;

/// <summary>
/// Rows of the Jacobian: ∇_θ f_c(x_i) for each sample and requested class, all parameters
/// flattened in parameter order. BN in eval mode, so each row depends on its own sample only.
/// </summary>
public static class PerSampleGradients
{
    public static long ParameterCount(NtkModel model) => model.ParameterList().Sum(p => p.numel());

    /// <summary>
    /// All samples at once: one batched forward pass, then per class one backward pass to the
    /// layer outputs, from which each layer's per-sample parameter gradients follow in closed form.
    /// Every parameter's columns must be written exactly once per class: a parameter whose layer
    /// bypasses the layer algebra, or a layer applied twice (shared weights), is an error naming it.
    /// </summary>
    /// <returns>A (samples, classes, parameters) tensor on the model's device and dtype.</returns>
    public static Tensor Rows(NtkModel model, Tensor x, IReadOnlyList<int> classes)
    {
        RequireEval(model);
        var columns = ParameterColumns.Of(model);
        var rows = Allocate(model, (int)x.shape[0], classes.Count);
        try
        {
            using var scope = torch.NewDisposeScope();
            using var enable = torch.enable_grad();
            var algebra = new RecordingAlgebra();
            var output = model.Apply(algebra, x.detach().requires_grad_(true)); // the input needs grad so every layer output has a graph
            var layerOutputs = algebra.Records.Select(r => r.Output).ToArray();
            var layerNames = algebra.Records.Select(r => $"the output of layer '{r.Layer.GetName()}'").ToList();
            var cache = new Dictionary<RecordingAlgebra.Record, Tensor>();
            for (int k = 0; k < classes.Count; k++)
            {
                using var classScope = torch.NewDisposeScope();
                var gradOutputs = Autograd.Grad([output[TensorIndex.Colon, classes[k]].sum()], layerOutputs,
                    retainGraph: k < classes.Count - 1, inputNames: layerNames);
                var target = rows[TensorIndex.Colon, k];
                var written = columns.StartClass();
                for (int r = 0; r < layerOutputs.Length; r++)
                    foreach (var (parameter, gradient) in RecordingAlgebra.ParameterGradients(algebra.Records[r], gradOutputs[r], cache))
                    {
                        var (offset, count) = written.Claim(parameter, algebra.Records[r].Layer);
                        target.narrow(1, offset, count).copy_(gradient.detach()); // rows are data: no graph back to the activations
                    }
                written.RequireAll();
            }
            return rows;
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    /// <summary>The naive reference: one sample at a time, one backward pass per class. Works for any model.</summary>
    public static Tensor RowsBySample(NtkModel model, Tensor x, IReadOnlyList<int> classes)
    {
        RequireEval(model);
        var parameters = model.ParameterList().Cast<Tensor>().ToArray();
        var names = model.ParameterNames();
        int n = (int)x.shape[0];
        var rows = Allocate(model, n, classes.Count);
        for (int i = 0; i < n; i++)
        {
            using var scope = torch.NewDisposeScope();
            using var enable = torch.enable_grad();
            var output = model.forward(x.narrow(0, i, 1));
            for (int k = 0; k < classes.Count; k++)
            {
                var grads = Autograd.Grad([output[0, classes[k]]], parameters, retainGraph: k < classes.Count - 1, inputNames: names);
                rows[i, k].copy_(torch.cat(grads.Select(g => g.flatten()).ToArray()));
            }
        }
        return rows;
    }

    private static Tensor Allocate(NtkModel model, int samples, int classes)
    {
        var first = model.ParameterList()[0];
        return torch.empty([samples, classes, ParameterCount(model)], dtype: first.dtype, device: first.device);
    }

    private static void RequireEval(NtkModel model)
    {
        if (model.training) throw new InvalidOperationException("kernel gradients need the model in eval mode (BN running statistics)");
    }
}

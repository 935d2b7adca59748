using NtkRepro.Models;
using NtkRepro.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Kernels;

/// <summary>
/// Rows of the Jacobian: ∇_θ f_c(x_i) for each sample and requested class, all parameters
/// flattened in parameter order. BN in eval mode, so each row depends on its own sample only.
/// </summary>
public static class PerSampleGradients
{
    public static long ParameterCount(NtkModel model) => model.ParameterList().Sum(p => p.numel());

    /// <returns>A (samples, classes, parameters) tensor on the model's device and dtype.</returns>
    public static Tensor Rows(NtkModel model, Tensor x, IReadOnlyList<int> classes)
    {
        if (model.training) throw new InvalidOperationException("kernel gradients need the model in eval mode (BN running statistics)");
        var parameters = model.ParameterList().Cast<Tensor>().ToArray();
        var first = parameters[0];
        long p = ParameterCount(model);
        int n = (int)x.shape[0];
        var rows = torch.empty([n, classes.Count, p], dtype: first.dtype, device: first.device);
        for (int i = 0; i < n; i++)
        {
            using var scope = torch.NewDisposeScope();
            using var enable = torch.enable_grad();
            var output = model.forward(x.narrow(0, i, 1));
            for (int k = 0; k < classes.Count; k++)
            {
                var grads = Autograd.Grad([output[0, classes[k]]], parameters, retainGraph: k < classes.Count - 1);
                rows[i, k].copy_(torch.cat(grads.Select(g => g.flatten()).ToArray()));
            }
        }
        return rows;
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Util;

/// <summary>
/// torch.autograd.grad that never terminates the process. In TorchSharp 0.107 a libtorch error
/// inside autograd.grad (such as an input the outputs do not depend on, without allow_unused)
/// aborts the whole process instead of raising an exception; so every call goes through here,
/// with allow_unused set and unused inputs given a zero gradient.
/// </summary>
public static class Autograd
{
    public static Tensor[] Grad(IList<Tensor> outputs, IList<Tensor> inputs, IList<Tensor>? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false)
    {
        var grads = torch.autograd.grad(outputs, inputs, gradOutputs, retain_graph: retainGraph, create_graph: createGraph, allow_unused: true);
        var result = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
            result[i] = grads[i] is { } g && !g.IsInvalid ? g : torch.zeros_like(inputs[i]);
        return result;
    }
}

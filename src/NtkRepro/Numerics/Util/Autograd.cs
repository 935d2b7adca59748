using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Util;

/// <summary>Raised when a gradient that must exist does not: the outputs do not depend on that input.</summary>
public sealed class DisconnectedGradientException(string message) : InvalidOperationException(message);

/// <summary>
/// torch.autograd.grad that never terminates the process. In TorchSharp 0.107 a libtorch error
/// inside autograd.grad (an input the outputs do not depend on without allow_unused, an output or
/// input that does not require grad) aborts the whole process instead of raising an exception; so
/// every call goes through here, which checks those cases first and always passes allow_unused.
/// <see cref="Grad"/> requires every input to be connected to the outputs (a missing gradient is
/// a bug there, not a zero); <see cref="GradOrZero"/> gives unconnected inputs a zero gradient,
/// for the places where zero is the right answer.
/// </summary>
public static class Autograd
{
    /// <summary>Gradients that must exist: a <see cref="DisconnectedGradientException"/> names any input the outputs do not depend on.</summary>
    /// <param name="inputNames">Names of the inputs, for the error (a parameter's name, "the input images").</param>
    public static Tensor[] Grad(IList<Tensor> outputs, IList<Tensor> inputs, IList<Tensor>? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false, IReadOnlyList<string>? inputNames = null)
    {
        string Name(int i) => inputNames is { } names && i < names.Count ? names[i] : $"input {i} of {inputs.Count}";
        var grads = GradOrNull(outputs, inputs, gradOutputs, retainGraph, createGraph, Name);
        for (int i = 0; i < inputs.Count; i++)
            if (grads[i] is null)
                throw new DisconnectedGradientException(
                    $"the gradient w.r.t. {Name(i)} does not exist: the output does not depend on it (its graph is disconnected from the output)");
        return grads!;
    }

    /// <summary>Gradients with zero for every input the outputs do not depend on (autograd's allow_unused).</summary>
    public static Tensor[] GradOrZero(IList<Tensor> outputs, IList<Tensor> inputs, IList<Tensor>? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false)
    {
        var grads = GradOrNull(outputs, inputs, gradOutputs, retainGraph, createGraph, i => $"input {i} of {inputs.Count}");
        return grads.Select((g, i) => g ?? torch.zeros_like(inputs[i])).ToArray();
    }

    private static Tensor?[] GradOrNull(IList<Tensor> outputs, IList<Tensor> inputs, IList<Tensor>? gradOutputs,
        bool retainGraph, bool createGraph, Func<int, string> name)
    {
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
            throw new ArgumentException($"autograd: {gradOutputs.Count} output gradients for {outputs.Count} outputs");
        for (int i = 0; i < inputs.Count; i++)
            if (!inputs[i].requires_grad)
                throw new ArgumentException($"autograd: {name(i)} does not require grad, so no gradient can be taken w.r.t. it");
        // Outputs without a graph contribute nothing; libtorch would reject (and so abort on) them.
        var connected = Enumerable.Range(0, outputs.Count).Where(i => outputs[i].requires_grad).ToList();
        if (connected.Count == 0) return new Tensor?[inputs.Count];
        var grads = torch.autograd.grad(connected.Select(i => outputs[i]).ToList(), inputs,
            gradOutputs is null ? null : connected.Select(i => gradOutputs[i]).ToList(),
            retain_graph: retainGraph, create_graph: createGraph, allow_unused: true);
        return Enumerable.Range(0, inputs.Count).Select(i => grads[i] is { } g && !g.IsInvalid ? g : null).ToArray();
    }
}

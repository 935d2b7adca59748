using NtkRepro.Numerics.Models;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Kernels;

/// <summary>
/// Where each parameter's entries lie in a flat parameter vector (parameter order), and a check
/// that a row is written over every column exactly once: rows are allocated uninitialised, so a
/// column range left unwritten would be garbage, silently.
/// </summary>
internal sealed class ParameterColumns
{
    private readonly Dictionary<Tensor, (long Offset, long Count, string Name)> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly IReadOnlyList<Tensor> _order;

    private ParameterColumns(NtkModel model)
    {
        _order = model.ParameterList();
        var names = model.ParameterNames();
        long offset = 0;
        for (int i = 0; i < _order.Count; i++)
        {
            _slots.Add(_order[i], (offset, _order[i].numel(), names[i]));
            offset += _order[i].numel();
        }
    }

    public static ParameterColumns Of(NtkModel model) => new(model);

    public Writes StartClass() => new(this);

    /// <summary>The parameters written so far for one class.</summary>
    public sealed class Writes(ParameterColumns columns)
    {
        private readonly HashSet<Tensor> _written = new(ReferenceEqualityComparer.Instance);

        /// <summary>The column range (offset, count) of a parameter, claimed for writing once.</summary>
        public (long Offset, long Count) Claim(Tensor parameter, nn.Module layer)
        {
            if (!columns._slots.TryGetValue(parameter, out var slot))
                throw new InvalidOperationException($"per-sample gradients: layer '{layer.GetName()}' has a parameter that is not registered with the model");
            if (!_written.Add(parameter))
                throw new InvalidOperationException($"per-sample gradients: parameter '{slot.Name}' is used by two layer applications (shared weights have no closed-form rows here)");
            return (slot.Offset, slot.Count);
        }

        public void RequireAll()
        {
            foreach (var p in columns._order)
                if (!_written.Contains(p))
                {
                    var slot = columns._slots[p];
                    throw new InvalidOperationException(
                        $"per-sample gradients: no gradient written for parameter '{slot.Name}' (columns {slot.Offset}..{slot.Offset + slot.Count - 1}): " +
                        "its layer did not go through the layer algebra");
                }
        }
    }
}

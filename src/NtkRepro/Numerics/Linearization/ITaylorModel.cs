using NtkRepro.Numerics.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Linearization;

/// <summary>
/// A child that is a first-order Taylor model of a parent, f0 plus Δf = J(θ − θt): what evaluation
/// needs to report ‖Δf‖²/‖f0‖² and what the cached-Jacobian route needs to train on Jacobian rows.
/// A classifier offers it through <see cref="Classifier.Taylor"/>, so the code that uses it does not
/// name a concrete classifier.
/// </summary>
public interface ITaylorModel
{
    /// <summary>The frozen network θt the child expands around.</summary>
    NtkModel Parent { get; }

    /// <summary>The child's θ, in the parent's parameter order.</summary>
    IReadOnlyList<Parameter> Trainable { get; }

    /// <summary>f_{θt}(x) and Δf = J_{θt}(x)(θ − θt).</summary>
    (Tensor F0, Tensor Delta) Decompose(Tensor x);

    /// <summary>The classifier's output from the two terms of <see cref="Decompose"/>.</summary>
    Tensor Logits(Tensor f0, Tensor delta);
}

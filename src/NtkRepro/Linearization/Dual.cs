using static TorchSharp.torch;

namespace NtkRepro.Linearization;

/// <summary>A primal value and its tangent (null: a zero tangent, as for the network input).</summary>
public readonly record struct Dual(Tensor Primal, Tensor? Tangent);

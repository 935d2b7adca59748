using static TorchSharp.torch;

namespace NtkRepro.Numerics.Linearization;

/// <summary>A primal value and its tangent (null: a zero tangent, as for the network input).</summary>
public readonly record struct Dual(Tensor Primal, Tensor? Tangent);

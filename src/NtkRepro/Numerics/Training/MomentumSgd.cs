using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Training;

/// <summary>
/// SGD with heavy-ball momentum as PyTorch defines it (dampening 0, no Nesterov, no weight
/// decay): buf ← g on the first step, then buf ← μ·buf + g; θ ← θ − lr·buf. Written out so that
/// its state (the momentum buffers) can be checkpointed and restored exactly.
/// </summary>
public sealed class MomentumSgd
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Tensor?[] _buffers;

    public MomentumSgd(IReadOnlyList<Parameter> parameters, double learningRate, double momentum)
    {
        if (!(learningRate > 0)) throw new ArgumentException($"learning rate {learningRate}: must be positive");
        if (momentum is < 0 or >= 1) throw new ArgumentException($"momentum {momentum}: must lie in [0, 1)");
        _parameters = parameters;
        _buffers = new Tensor?[parameters.Count];
        LearningRate = learningRate;
        Momentum = momentum;
    }

    public double LearningRate { get; }
    public double Momentum { get; }

    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    public void Step()
    {
        using var _ = torch.no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var g = _parameters[i].grad;
            if (g is null) continue;
            if (_buffers[i] is null) _buffers[i] = g.clone().DetachFromDisposeScope();
            else _buffers[i]!.mul_(Momentum).add_(g);
            _parameters[i].add_(_buffers[i]!, alpha: -LearningRate);
        }
    }

    /// <summary>The momentum buffers by parameter index (absent: not yet initialised).</summary>
    public Dictionary<string, Tensor> State() =>
        _buffers.Select((b, i) => (b, i)).Where(t => t.b is not null).ToDictionary(t => $"momentum_{t.i}", t => t.b!);

    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        for (int i = 0; i < _buffers.Length; i++)
        {
            _buffers[i]?.Dispose();
            _buffers[i] = state.TryGetValue($"momentum_{i}", out var t)
                ? t.to(_parameters[i].dtype, _parameters[i].device).clone().DetachFromDisposeScope()
                : null;
        }
    }
}

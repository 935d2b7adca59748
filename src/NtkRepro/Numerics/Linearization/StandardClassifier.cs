using NtkRepro.Numerics.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Linearization;

/// <summary>
/// Standard dynamics: the network itself, f_θ(x). Owns (and disposes) the network. With frozen
/// BatchNorm it trains with BN's running statistics, leaving them as they are, as the authors'
/// standard children do (run_exp.py:221: is_training = --loose_bn_second, false by default).
/// </summary>
public sealed class StandardClassifier : Classifier
{
    private readonly bool _frozenBatchNorm;

    public StandardClassifier(NtkModel model, bool frozenBatchNorm = false) : base("Standard")
    {
        Model = model;
        _frozenBatchNorm = frozenBatchNorm;
        register_module("model", model);
        if (frozenBatchNorm) model.eval();
    }

    public NtkModel Model { get; }
    public override Dynamics Dynamics => Dynamics.Standard;
    public override IReadOnlyList<Parameter> Trainable => Model.ParameterList();
    public override nn.Module CheckpointModule => Model;
    public override void SetTraining(bool training) => Model.train(training && !_frozenBatchNorm);
    public override bool IsTraining => Model.training;
    public override Tensor forward(Tensor x) => Model.forward(x);
}

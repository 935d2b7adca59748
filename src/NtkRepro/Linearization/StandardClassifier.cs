using NtkRepro.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Linearization;

/// <summary>Standard dynamics: the network itself, f_θ(x). Owns (and disposes) the network.</summary>
public sealed class StandardClassifier : Classifier
{
    public StandardClassifier(NtkModel model) : base("Standard")
    {
        Model = model;
        register_module("model", model);
    }

    public NtkModel Model { get; }
    public override Dynamics Dynamics => Dynamics.Standard;
    public override IReadOnlyList<Parameter> Trainable => Model.ParameterList();
    public override nn.Module CheckpointModule => Model;
    public override void SetTraining(bool training) => Model.train(training);
    public override bool IsTraining => Model.training;
    public override Tensor forward(Tensor x) => Model.forward(x);
}

using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Benchmarks;

/// <summary>
/// Our side of the step benchmark: what training, attacks and kernels run, through the
/// project's own code (TrainingStep with MomentumSgd, Pgd, EmpiricalNtk). Owns its models.
/// </summary>
internal sealed class OurCases : IDisposable
{
    public const double LearningRate = AuthorsDefaults.Stage2LearningRate, Momentum = AuthorsDefaults.Momentum;
    private readonly List<IDisposable> _owned = new();

    public List<BenchCase> Cases { get; } = new();

    public static OurCases Build(StepBenchmark.Options o, Device device)
    {
        var built = new OurCases();
        var specs = new List<ModelSpec> { new(ModelSpec.SmallCnn, o.Width, 10) };
        if (o.IncludeResNet) specs.Add(new(ModelSpec.ResNet18, o.ResNetWidth, 10));
        foreach (var spec in specs) built.AddModel(spec, o, device);
        return built;
    }

    private void AddModel(ModelSpec spec, StepBenchmark.Options o, Device device)
    {
        var parent = Own(TrainedLooking(spec, device));
        string label = $"{spec.Architecture} w{spec.Width}";
        long parameters = parent.ParameterCount();
        torch.manual_seed(1);
        var x = Own(torch.rand(o.Batch, 3, 32, 32, device: device));
        var y = Own(torch.randint(0, spec.Classes, [o.Batch], device: device));
        void Add(string variant, Action step, int? rounds = null) => Cases.Add(new BenchCase(spec.Architecture, label, variant, parameters, rounds ?? o.Rounds, step));

        Add("standard", TrainingSteps(Own(new StandardClassifier(parent.Clone())), x, y));
        Add("linearized", TrainingSteps(Own(new LinearizedClassifier(parent, Dynamics.Linearized)), x, y));
        Add("centered", TrainingSteps(Own(new LinearizedClassifier(parent, Dynamics.Centered)), x, y));
        if (o.Reference)
            Add("linearized-double-backward", TrainingSteps(Own(new LinearizedClassifier(parent, Dynamics.Linearized, JvpRoute.DoubleBackward)), x, y));
        Add("pgd-centered", PgdSteps(Own(AwayFromParent(new LinearizedClassifier(parent, Dynamics.Centered))), x, y));
        if (spec.Architecture == ModelSpec.SmallCnn && o.NtkPoints > 0)
        {
            var points = Own(torch.rand(o.NtkPoints, 3, 32, 32, device: device));
            var classes = Enumerable.Range(0, spec.Classes).ToArray();
            Add("ntk", () => { using var scope = torch.NewDisposeScope(); EmpiricalNtk.ClassBlocks(parent, points); }, o.NtkRounds);
            Add("ntk-rows", () => { using var scope = torch.NewDisposeScope(); PerSampleGradients.Rows(parent, points, classes); }, o.NtkRounds);
        }
    }

    private Action TrainingSteps(Classifier classifier, Tensor x, Tensor y)
    {
        var optimizer = new MomentumSgd(classifier.Trainable, LearningRate, Momentum);
        return () =>
        {
            using var scope = torch.NewDisposeScope();
            TrainingStep.Run(classifier, optimizer, x, y);
        };
    }

    private static Action PgdSteps(Classifier classifier, Tensor x, Tensor y)
    {
        var oneStep = PgdConfig.Training(steps: 1);
        long seed = 0;
        return () =>
        {
            using var scope = torch.NewDisposeScope();
            Pgd.Attack(classifier, x, y, oneStep, seed++);
        };
    }

    /// <summary>A parent in eval mode with a non-zero head, so every parameter has a gradient.</summary>
    private static NtkModel TrainedLooking(ModelSpec spec, Device device)
    {
        var model = spec.Create(0);
        model.to(device);
        using (torch.no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.StartsWith("linear.")) p.normal_(0, 0.05);
        model.eval();
        return model;
    }

    /// <summary>A child some way from its parent, so the centered output and its input gradient are not zero.</summary>
    private static LinearizedClassifier AwayFromParent(LinearizedClassifier child)
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
            foreach (var p in child.Trainable) p.add_(torch.randn_like(p) * 1e-3);
        return child;
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }
}

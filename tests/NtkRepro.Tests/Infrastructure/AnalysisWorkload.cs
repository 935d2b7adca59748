using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;
using TorchSharp;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// One round of what a reproduction does after training: kernels of two checkpoints saved and
/// analysed, then clean + PGD evaluation of a standard and a centered classifier, and a training
/// attack. Models and data are built once; a round creates and must release everything else.
/// </summary>
public sealed class AnalysisWorkload : IDisposable
{
    private readonly NtkModel _model;
    private readonly StandardClassifier _standard;
    private readonly LinearizedClassifier _centered;
    private readonly LabeledImages _points, _test;
    private readonly string _run = TestData.TempDir("workload");
    private readonly EvalConfig _eval;
    private static readonly KernelSubset Subset = new(PerClass: 1);

    public AnalysisWorkload(int width = 4, int kernelPoints = 10, int testImages = 10, int pgdSteps = 2)
    {
        var (train, test) = SyntheticCifar.Create(kernelPoints / 10, testImages / 10, seed: 1);
        (_points, _test) = (train, test);
        _model = new ModelSpec(ModelSpec.SmallCnn, width, 10).Create(3);
        using (torch.no_grad()) _model.ParameterList()[^2].normal_(0, 0.1); // a non-zero head
        _model.eval();
        _standard = new StandardClassifier(_model.Clone());
        _centered = new LinearizedClassifier(_model, Dynamics.Centered);
        using (torch.NewDisposeScope())
        using (torch.no_grad())
            foreach (var p in _centered.Trainable) p.add_(torch.randn_like(p) * 0.01);
        _eval = new EvalConfig(PgdConfig.Evaluation(steps: pgdSteps), BatchSize: testImages / 2);
    }

    public void RunOnce(int round)
    {
        using (var scope = torch.NewDisposeScope())
        {
            var blocks = EmpiricalNtk.ClassBlocks(_model, _points.Images);
            foreach (var epoch in new[] { 0.0, 1.0 })
                KernelFile.Save(KernelJob.KernelPath(_run, Subset, epoch), blocks, new KernelInfo("class-blocks", "workload", "none", epoch,
                    Enumerable.Range(0, _points.Count).Select(i => (long)i).ToList(), _points.LabelArray(), [], ""));
        }
        KernelJob.Analyze(_run, Subset, [0, 1]);
        Evaluator.Evaluate(_standard, _test, _eval, NullProgress.Instance);
        Evaluator.Evaluate(_centered, _test, _eval, NullProgress.Instance);
        using var adversarial = Pgd.Attack(_standard, _test.Images, _test.Labels, PgdConfig.Training(steps: 2), round);
    }

    public void Dispose()
    {
        _standard.Dispose();
        _centered.Dispose();
        _model.Dispose();
        _points.Dispose();
        _test.Dispose();
    }
}

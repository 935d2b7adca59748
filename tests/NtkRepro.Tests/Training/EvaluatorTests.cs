using NtkRepro.Attacks;
using NtkRepro.Data;
using NtkRepro.Linearization;
using NtkRepro.Models;
using NtkRepro.Tests.Infrastructure;
using NtkRepro.Training;
using NtkRepro.Util;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Training;

[Trait("Tier", Tiers.Fast)]
public class EvaluatorTests
{
    [Fact]
    public void RecordsSanityAndRobustNeverAboveClean()
    {
        var (train, test) = SyntheticCifar.Create(10, 5, seed: 2);
        using var model = new StandardClassifier(new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0));
        var opt = new MomentumSgd(model.Trainable, 0.1, 0.9);
        for (int i = 0; i < 5; i++)
        {
            using var scope = torch.NewDisposeScope();
            model.SetTraining(true); opt.ZeroGrad();
            torch.nn.functional.cross_entropy(model.forward(train.Images), train.Labels).backward(); opt.Step();
        }
        var result = Evaluator.Evaluate(model, test, new EvalConfig(PgdConfig.Evaluation(steps: 5), BatchSize: 20), NullProgress.Instance);
        Assert.Equal(50, result.Count);
        Assert.True(result.RobustAccuracy <= result.CleanAccuracy);
        Assert.True(result.Sanity.WithinEpsilon && result.Sanity.InUnitRange && result.Sanity.NoNan);
        Assert.True(result.Sanity.MaxPerturbation > 0);
        Assert.Null(result.FirstOrderRatio);
    }

    [Fact]
    public void FirstOrderRatioIsUndefinedForAZeroHeadParentAndZeroAtTheParent()
    {
        var (_, test) = SyntheticCifar.Create(1, 2, seed: 2);
        using var zeroHead = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0); // epoch 0: f0 = 0
        zeroHead.eval();
        using var child = new LinearizedClassifier(zeroHead, Dynamics.Linearized);
        var r = Evaluator.Evaluate(child, test, new EvalConfig(PgdConfig.Evaluation(steps: 1)), NullProgress.Instance);
        Assert.Null(r.FirstOrderRatio);
        Assert.Equal(0.0, r.MeanF0Squared);

        using var trained = TestNets.SmallCnn(classes: 10);
        trained.to(torch.float32);
        using var atParent = new LinearizedClassifier(trained, Dynamics.Linearized);
        var r2 = Evaluator.Evaluate(atParent, test, new EvalConfig(PgdConfig.Evaluation(steps: 1)), NullProgress.Instance);
        Assert.Equal(0.0, r2.FirstOrderRatio);
    }
}

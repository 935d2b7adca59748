using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Numerics.Training;

[Tier(TestTier.Fast)]
public class EvaluatorTests
{
    [Fact]
    public void DynamicsIsATypeInCodeAndTheSameLowercaseWordInTheJson()
    {
        var result = new EvalResult(Dynamics.Centered, 2, 0.5, 0.5, "PGD", null, null, null,
            new AttackSanity(0.01, true, true, true, true, 1, 0.1, false), 1);
        var json = Json.Serialize(result);
        Assert.Contains("\"dynamics\": \"centered\"", json);
        Assert.Equal(Dynamics.Centered, Json.Deserialize<EvalResult>(json, "test").Dynamics);
    }

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

    /// <summary>
    /// A Taylor model that is not <see cref="LinearizedClassifier"/>: f0 = 2z and Δf = z for one
    /// linear map z of the image, so ‖Δf‖²/‖f0‖² is exactly 1/4 whatever the images.
    /// </summary>
    private sealed class ScaledTaylorModel : Classifier, ITaylorModel
    {
        private readonly ConstructedClassifier _z = new(x => x);
        private readonly NtkModel _parent = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);

        public ScaledTaylorModel() : base("ScaledTaylor") => register_module("z", _z);

        public NtkModel Parent => _parent;
        public override ITaylorModel Taylor => this;
        public override Dynamics Dynamics => Dynamics.Linearized;
        public override IReadOnlyList<TorchSharp.Modules.Parameter> Trainable => _z.Trainable;
        public override torch.nn.Module CheckpointModule => this;
        public override void SetTraining(bool training) { }
        public override bool IsTraining => false;
        public (torch.Tensor F0, torch.Tensor Delta) Decompose(torch.Tensor x) { var z = _z.forward(x); return (2 * z, z); }
        public torch.Tensor Logits(torch.Tensor f0, torch.Tensor delta) => f0 + delta;
        public override torch.Tensor forward(torch.Tensor x) { var (f0, delta) = Decompose(x); return Logits(f0, delta); }
    }

    [Fact]
    public void AnyTaylorModelGetsItsFirstOrderRatioNotOnlyTheLinearizedClassifier()
    {
        using var model = new ScaledTaylorModel();
        using var test = Images(0.3, 0.5, 0.7, 0.4);
        var r = Evaluator.Evaluate(model, test, Attack(steps: 1), NullProgress.Instance);
        Assert.Equal(0.25, r.FirstOrderRatio);
        Assert.Equal(4 * r.MeanDeltaSquared!.Value, r.MeanF0Squared!.Value);
    }

    /// <summary>Test images with the given mean brightness each (a uniform band of ±0.1 around it), labelled 0..9 in turn.</summary>
    private static LabeledImages Images(params double[] brightness)
    {
        torch.manual_seed(4);
        var images = torch.stack(brightness.Select(b => (b - 0.1 + 0.2 * torch.rand(3, 32, 32))).ToArray()).to(torch.float32);
        var labels = torch.tensor(Enumerable.Range(0, brightness.Length).Select(i => (long)(i % 10)).ToArray());
        return new LabeledImages(images, labels, 10, "constructed");
    }

    private static EvalConfig Attack(int steps = 3) => new(PgdConfig.Evaluation(steps: steps), BatchSize: 4);

    [Fact]
    public void AnAttackBlindedByAZeroInputGradientIsFlaggedAsMasking()
    {
        using var model = ConstructedClassifier.PiecewiseConstant();
        using var test = Images(0.3, 0.5, 0.7, 0.4, 0.6, 0.2);
        var r = Evaluator.Evaluate(model, test, Attack(), NullProgress.Instance);
        Assert.Equal(0.0, r.Sanity.MeanInputGradientL1);
        Assert.Equal(1.0, r.Sanity.ZeroInputGradientFraction);
        Assert.True(r.Sanity.SuspectedGradientMasking);
        Assert.True(r.RobustAccuracyValid); // a warning: the figure is what the attack measured
    }

    [Fact]
    public void TheFractionOfImagesWithAZeroInputGradientIsRecorded()
    {
        using var model = ConstructedClassifier.ConstantOnDarkImages();
        using var test = Images(0.2, 0.8, 0.3, 0.7, 0.25, 0.35, 0.15, 0.75, 0.3, 0.2); // 7 of 10 dark
        var r = Evaluator.Evaluate(model, test, Attack(), NullProgress.Instance);
        Assert.Equal(0.7, r.Sanity.ZeroInputGradientFraction!.Value, 12);
        Assert.True(r.Sanity.MeanInputGradientL1 > 0);
    }

    [Fact]
    public void AFailedSanityCheckMakesTheRobustAccuracyUnusable()
    {
        using var model = ConstructedClassifier.NaNGradient();
        using var test = Images(0.3, 0.5, 0.7, 0.4);
        var r = Evaluator.Evaluate(model, test, Attack(), NullProgress.Instance);
        Assert.Equal(4, r.Sanity.NonFiniteGradientSteps); // 3 attack steps and the clean gradient, one batch
        Assert.False(r.RobustAccuracyValid);
        Assert.Contains("non-finite input gradients in 4 attack steps", r.RobustAccuracyInvalidReason);
        Assert.Null(r.RobustAccuracyIfValid);
        var e = Assert.Throws<InvalidRobustAccuracyException>(() => r.RobustAccuracy);
        Assert.Contains("invalid: attack sanity failed", e.Message);
        Assert.Throws<InvalidRobustAccuracyException>(() => r.RobustCorrect); // the per-image figures too
        Assert.Equal(4, r.UncheckedRobustCorrect!.Value.Count);
        // Written and read back, it stays invalid and says why.
        var json = Json.Serialize(r);
        Assert.Contains("\"robustAccuracyValid\": false", json);
        Assert.Contains("\"robustAccuracyInvalidReason\": \"attack sanity failed", json);
        Assert.Contains("\"robustCorrect\": ", json);
        var back = Json.Deserialize<EvalResult>(json, "test");
        Assert.False(back.RobustAccuracyValid);
        Assert.Equal(r.UncheckedRobustCorrect, back.UncheckedRobustCorrect);
        Assert.Throws<InvalidRobustAccuracyException>(() => back.RobustAccuracy);
    }

    [Fact]
    public void ResultsWrittenBeforeTheValidityFieldsReadBack()
    {
        const string old = """
            { "dynamics": "standard", "count": 50, "cleanAccuracy": 0.6, "robustAccuracy": 0.2, "attack": "PGD-3",
              "firstOrderRatio": null, "meanDeltaSquared": null, "meanF0Squared": null,
              "sanity": { "maxPerturbation": 0.0156, "withinEpsilon": true, "inUnitRange": true, "noNan": true, "robustNotAboveClean": true,
                          "predictionsChanged": 9, "meanInputGradientL1": 0.01, "suspectedGradientMasking": false, "ok": true },
              "seconds": 1.5 }
            """;
        var r = Json.Deserialize<EvalResult>(old, "old result");
        Assert.Equal(0.2, r.RobustAccuracy);
        Assert.Null(r.Sanity.ZeroInputGradientFraction);
        var failed = Json.Deserialize<EvalResult>(old.Replace("\"noNan\": true", "\"noNan\": false"), "old failed result");
        Assert.Null(failed.RobustAccuracyIfValid);
    }

    [Fact]
    public void AClassifierThatIgnoresItsInputCannotBeEvaluatedOrAttacked()
    {
        using var model = ConstructedClassifier.InputFree();
        using var test = Images(0.3, 0.5);
        Assert.Contains("the input images (evaluation)",
            Assert.Throws<DisconnectedGradientException>(() => Evaluator.Evaluate(model, test, Attack(), NullProgress.Instance)).Message);
        Assert.Contains("the input images (PGD)",
            Assert.Throws<DisconnectedGradientException>(() => Pgd.Attack(model, test.Images, test.Labels, PgdConfig.Training(steps: 1), 0)).Message);
    }
}

using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Attacks;

[Tier(TestTier.Fast)]
public class PgdTests
{
    private const double Eps = 4.0 / 255;

    /// <summary>A binary linear classifier and inputs away from the [0,1] boundary.</summary>
    private static (StandardClassifier Model, Tensor X, Tensor Y, Tensor W) LinearBinary()
    {
        torch.manual_seed(3);
        var model = new StandardClassifier(TestNets.LinearNet(classes: 2));
        model.SetTraining(false);
        var x = 0.2 + 0.6 * torch.rand(6, 3, 32, 32, dtype: float64);
        var y = torch.tensor(new long[] { 0, 1, 0, 1, 1, 0 });
        var w = model.Model.ParameterList()[0].detach(); // (2, 3072)
        return (model, x, y, w);
    }

    [Fact]
    public void OnALinearBinaryClassifierPgdReachesTheClosedFormWorstCase()
    {
        var (model, x, y, w) = LinearBinary();
        var adv = Pgd.Attack(model, x, y, new PgdConfig(Eps, 30, Eps / 10), seed: 1);
        using var _ = torch.no_grad();
        for (int i = 0; i < 6; i++)
        {
            int yi = (int)y[i].ToInt64();
            var dw = w[yi] - w[1 - yi];                                    // margin m(x) = dw·x + db
            var expected = x[i].flatten() - Eps * dw.sign();                // the ℓ∞ corner that minimises the margin
            Assert.True((adv[i].flatten() - expected).abs().max().ToDouble() < 1e-9, $"sample {i} is not at the worst-case corner");
            double marginDrop = (dw * (x[i].flatten() - adv[i].flatten())).sum().ToDouble();
            Assert.Equal(Eps * dw.abs().sum().ToDouble(), marginDrop, 1e-9);
        }
    }

    [Fact]
    public void PerturbationsStayInTheBallAndTheUnitBox()
    {
        using var model = new StandardClassifier(new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0));
        using (torch.no_grad()) model.Model.named_parameters().Single(p => p.name == "linear.weight").parameter.normal_(0, 1);
        var x = torch.rand(16, 3, 32, 32);
        x[0] = torch.zeros(3, 32, 32); x[1] = torch.ones(3, 32, 32); // on the box's faces
        var y = torch.randint(0, 10, [16]);
        var adv = Pgd.Attack(model, x, y, PgdConfig.Training(), seed: 0);
        Assert.True((adv - x).abs().max().ToDouble() <= Eps + 1e-7);
        Assert.True(adv.min().ToDouble() >= 0 && adv.max().ToDouble() <= 1);
        Assert.False(adv.isnan().any().ToBoolean());
    }

    [Fact]
    public void AttackLeavesBatchNormStatisticsModeAndParameterGradientsAlone()
    {
        using var model = new StandardClassifier(new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0));
        model.SetTraining(true);
        var before = model.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        Pgd.Attack(model, torch.rand(8, 3, 32, 32), torch.randint(0, 10, [8]), PgdConfig.Training(steps: 3), seed: 0);
        Assert.True(model.IsTraining);
        Assert.All(before, kv => Assert.True(kv.Value.BitEqual(model.Model.state_dict()[kv.Key]), kv.Key));
        Assert.All(model.Trainable, p => Assert.Null(p.grad));
    }

    [Fact]
    public void SameSeedSameAttackOtherSeedOtherStart()
    {
        var (model, x, y, _) = LinearBinary();
        var a = Pgd.Attack(model, x, y, new PgdConfig(Eps, 1, Eps / 100), 5);
        var b = Pgd.Attack(model, x, y, new PgdConfig(Eps, 1, Eps / 100), 5);
        var c = Pgd.Attack(model, x, y, new PgdConfig(Eps, 1, Eps / 100), 6);
        Assert.True(a.BitEqual(b));
        Assert.False(a.BitEqual(c));
    }

    [Fact]
    public void MoreStepsNeverGiveHigherRobustAccuracyOnAFixedModelAndSeed()
    {
        using var model = new StandardClassifier(new ModelSpec(ModelSpec.SmallCnn, 8, 10).Create(0));
        var (train, _) = NtkRepro.Numerics.Data.SyntheticCifar.Create(20, 1, seed: 1);
        var opt = new NtkRepro.Numerics.Training.MomentumSgd(model.Trainable, 0.1, 0.9);
        for (int i = 0; i < 15; i++)
        {
            using var scope = torch.NewDisposeScope();
            model.SetTraining(true);
            opt.ZeroGrad();
            nn.functional.cross_entropy(model.forward(train.Images), train.Labels).backward();
            opt.Step();
        }
        model.SetTraining(false);
        double previous = 1.1;
        foreach (int steps in new[] { 1, 3, 10, 30 })
        {
            var adv = Pgd.Attack(model, train.Images, train.Labels, new PgdConfig(Eps, steps, Eps / 4), seed: 7);
            double acc = model.forward(adv).argmax(1).eq(train.Labels).to(float64).mean().ToDouble();
            Assert.True(acc <= previous, $"PGD-{steps} robust accuracy {acc} above the fewer-step attack's {previous}");
            previous = acc;
        }
    }

    [Fact]
    public void InvalidConfigurationsAreRejected()
    {
        Assert.Contains("epsilon", Assert.Throws<ArgumentException>(() => new PgdConfig(0, 10, 0.1).Validate()).Message);
        Assert.Contains("steps", Assert.Throws<ArgumentException>(() => new PgdConfig(0.1, 0, 0.1).Validate()).Message);
        Assert.Equal(Eps / 50, PgdConfig.Evaluation().StepSize, 12);
        Assert.Equal(100, PgdConfig.Evaluation().Steps);
        Assert.Equal(Eps / 10, PgdConfig.Training().StepSize, 12);
        Assert.Equal(20, PgdConfig.Training().Steps);
    }
}

using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Attacks;

[Tier(TestTier.Fast)]
public class ApgdCeTests
{
    private const double Eps = 4.0 / 255;

    [Fact]
    public void CheckpointsFollowThePapersSchedule()
    {
        // p: 0, .22, .41, .57, .70, .80, .87, .93, .99 for N = 100 (Croce & Hein 2020, §3.2).
        Assert.Equal([22, 41, 57, 70, 80, 87, 93, 99], ApgdSchedule.Checkpoints(100));
        Assert.Equal([4, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], ApgdSchedule.Checkpoints(20));
        Assert.Equal([1], ApgdSchedule.Checkpoints(1));
    }

    [Fact]
    public void OnALinearBinaryClassifierEveryUnbrokenImageEndsAtTheWorstCaseCorner()
    {
        torch.manual_seed(3);
        using var model = new StandardClassifier(TestNets.LinearNet(classes: 2));
        var x = 0.2 + 0.6 * torch.rand(12, 3, 32, 32, dtype: float64);
        var y = torch.tensor(new long[] { 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0 });
        var w = model.Model.ParameterList()[0].detach();
        var adv = ApgdCe.Attack(model, x, y, new ApgdConfig(Eps, 10), seed: 1);
        using var _ = torch.no_grad();
        var pred = model.forward(adv).argmax(1);
        int atCorner = 0, broken = 0;
        for (int i = 0; i < 12; i++)
        {
            int yi = (int)y[i].ToInt64();
            var corner = x[i].flatten() - Eps * (w[yi] - w[1 - yi]).sign(); // minimises the margin over the ball
            bool cornerBreaks = model.forward(corner.view(1, 3, 32, 32)).argmax(1).ToInt64() != yi;
            bool isBroken = pred[i].ToInt64() != yi;
            Assert.Equal(cornerBreaks, isBroken);
            if (isBroken) broken++;
            else
            {
                Assert.True((adv[i].flatten() - corner).abs().max().ToDouble() < 1e-9, $"unbroken image {i} is not at the worst-case corner");
                atCorner++;
            }
        }
        Assert.True(atCorner > 0 && broken > 0, $"the oracle should see both cases: {atCorner} at the corner, {broken} broken");
    }

    [Fact]
    public void HalvingTheStepFindsALossPeakInsideTheBall()
    {
        // The loss peaks at c, 0.6ε from x in every coordinate: a step of 2ε overshoots it, so only the
        // per-image step halving (with restarts from the best point) can bring the iterates close to it.
        torch.manual_seed(5);
        var x = 0.3 + 0.4 * torch.rand(4, 3, 32, 32, dtype: float64);
        var c = x + 0.6 * Eps * (torch.rand(4, 3, 32, 32, dtype: float64).gt(0.5).to(float64) * 2 - 1);
        using var model = new PeakedClassifier(c);
        var y = torch.zeros(4, dtype: ScalarType.Int64);
        var adv = ApgdCe.Attack(model, x, y, new ApgdConfig(Eps, 100), seed: 2);
        double distance = (adv - c).abs().max().ToDouble();
        Assert.True(distance < Eps / 10, $"APGD ends {distance * 255:G3}/255 from the loss peak (ε = 4/255)");
    }

    /// <summary>Two logits, z₀ = 0 and z₁ = −1000·mean((x − c)²): for y = 0 the cross-entropy is largest at x = c.</summary>
    private sealed class PeakedClassifier(Tensor c) : Classifier("Peaked")
    {
        public override Dynamics Dynamics => Dynamics.Standard;
        public override IReadOnlyList<TorchSharp.Modules.Parameter> Trainable => [];
        public override nn.Module CheckpointModule => this;
        public override void SetTraining(bool training) { }
        public override bool IsTraining => false;
        public override Tensor forward(Tensor x)
        {
            var z1 = -1000 * (x - c).pow(2).flatten(1).mean([1]);
            return torch.stack([torch.zeros_like(z1), z1], 1);
        }
    }

    [Fact]
    public void PointsStayInTheBallAndTheUnitBox()
    {
        using var model = new StandardClassifier(new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0));
        using (torch.no_grad()) model.Model.named_parameters().Single(p => p.name == "linear.weight").parameter.normal_(0, 1);
        var x = torch.rand(16, 3, 32, 32);
        x[0] = torch.zeros(3, 32, 32); x[1] = torch.ones(3, 32, 32); // on the box's faces
        var y = torch.randint(0, 10, [16]);
        var adv = ApgdCe.Attack(model, x, y, new ApgdConfig(Eps, 12, Restarts: 2), seed: 0);
        Assert.True((adv - x).abs().max().ToDouble() <= Eps + 1e-7);
        Assert.True(adv.min().ToDouble() >= 0 && adv.max().ToDouble() <= 1);
        Assert.False(adv.isnan().any().ToBoolean());
        Assert.Equal(x.dtype, adv.dtype);
    }

    [Fact]
    public void SameSeedSameAttackOtherSeedOtherStart()
    {
        using var model = new StandardClassifier(new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0));
        using (torch.no_grad()) model.Model.named_parameters().Single(p => p.name == "linear.weight").parameter.normal_(0, 1);
        torch.manual_seed(0);
        var x = torch.rand(8, 3, 32, 32);
        var y = torch.randint(0, 10, [8]);
        var config = new ApgdConfig(Eps, 5, Restarts: 2);
        var a = ApgdCe.Attack(model, x, y, config, 5);
        var b = ApgdCe.Attack(model, x, y, config, 5);
        var c = ApgdCe.Attack(model, x, y, config, 6);
        Assert.True(a.BitEqual(b));
        Assert.False(a.BitEqual(c));
    }

    [Fact]
    public void AttackLeavesBatchNormStatisticsModeAndParameterGradientsAlone()
    {
        using var model = new StandardClassifier(new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0));
        model.SetTraining(true);
        var before = model.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        ApgdCe.Attack(model, torch.rand(8, 3, 32, 32), torch.randint(0, 10, [8]), new ApgdConfig(Eps, 3), seed: 0);
        Assert.True(model.IsTraining);
        Assert.All(before, kv => Assert.True(kv.Value.BitEqual(model.Model.state_dict()[kv.Key]), kv.Key));
        Assert.All(model.Trainable, p => Assert.Null(p.grad));
    }

    [Fact]
    public void AtTheSameBudgetApgdIsAtLeastAsStrongAsPgdOnATrainedMlp()
    {
        using var model = TrainedMlp(out var test);
        using var _ = test;
        const double eps = 2.0 / 255;
        var pgdAdv = Pgd.Attack(model, test.Images, test.Labels, MaskingConfig.PgdAt(eps, 20), seed: 1);
        var apgdAdv = ApgdCe.Attack(model, test.Images, test.Labels, new ApgdConfig(eps, 20), seed: 1);
        using var __ = torch.no_grad();
        double clean = Accuracy(model, test.Images, test.Labels);
        double pgd = Accuracy(model, pgdAdv, test.Labels), apgd = Accuracy(model, apgdAdv, test.Labels);
        Assert.True(clean - pgd >= 0.1, $"the attack should matter on this model: clean {clean}, PGD {pgd}");
        // Slack: 2 images of 100, for two attacks that take different paths from different starts.
        Assert.True(apgd <= pgd + 0.02, $"APGD-CE-20 robust accuracy {apgd} above PGD-20's {pgd} (clean {clean})");
        // Without a step size to get wrong, APGD also beats a PGD whose fixed step is too short to cross the ball (20 × ε/50).
        var shortSteps = Pgd.Attack(model, test.Images, test.Labels, new PgdConfig(eps, 20, eps / 50), seed: 1);
        double weak = Accuracy(model, shortSteps, test.Labels);
        Assert.True(apgd + 0.1 <= weak, $"APGD-CE-20 {apgd} should be well below the short-step PGD's {weak}");
    }

    [Fact]
    public void InvalidConfigurationsNameTheBadValue()
    {
        Assert.Contains("epsilon 0", Assert.Throws<ArgumentException>(() => new ApgdConfig(0, 10).Validate()).Message);
        Assert.Contains("epsilon 1.5", Assert.Throws<ArgumentException>(() => new ApgdConfig(1.5, 10).Validate()).Message);
        Assert.Contains("iterations 0", Assert.Throws<ArgumentException>(() => new ApgdConfig(Eps, 0).Validate()).Message);
        Assert.Contains("restarts -1", Assert.Throws<ArgumentException>(() => new ApgdConfig(Eps, 10, -1).Validate()).Message);
        Assert.Contains("iterations 0", Assert.Throws<ArgumentException>(() => ApgdCe.Attack(null!, null!, null!, new ApgdConfig(Eps, 0), 0)).Message);
        new ApgdConfig(Eps, 1, 1).Validate();
    }

    /// <summary>A width-32 two-layer perceptron trained for 20 full-batch steps on 100 synthetic images, and 100 test images.</summary>
    internal static StandardClassifier TrainedMlp(out LabeledImages test, double lr = 0.01)
    {
        var model = new StandardClassifier(new ModelSpec(ModelSpec.Mlp, 32, 10).Create(0));
        var (train, held) = SyntheticCifar.Create(10, 10, seed: 1);
        using var _ = train;
        var opt = new MomentumSgd(model.Trainable, lr, 0.9);
        for (int i = 0; i < 20; i++)
        {
            using var scope = torch.NewDisposeScope();
            model.SetTraining(true);
            opt.ZeroGrad();
            nn.functional.cross_entropy(model.forward(train.Images), train.Labels).backward();
            opt.Step();
        }
        model.SetTraining(false);
        test = held;
        return model;
    }

    private static double Accuracy(Classifier model, Tensor x, Tensor y) => model.forward(x).argmax(1).eq(y).to(float64).mean().ToDouble();
}

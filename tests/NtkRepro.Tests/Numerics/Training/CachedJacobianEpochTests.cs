using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Training;

/// <summary>
/// The cached-Jacobian epoch against its oracle, the tangent-pass epoch (EpochLoop over the
/// linearized classifier). Float32, as training runs (EpochLoop reads float32 losses).
/// </summary>
[Tier(TestTier.Fast)]
public class CachedJacobianEpochTests(ITestOutputHelper output)
{
    private const int Epochs = 3;

    private static LabeledImages Images(int perClass)
    {
        var (train, test) = SyntheticCifar.Create(perClass, 1, seed: 5);
        test.Dispose();
        return train;
    }

    /// <summary>A parent whose every parameter matters (random head, moved BN statistics), in float32.</summary>
    private static NtkRepro.Numerics.Models.NtkModel Parent()
    {
        var model = TestNets.SmallCnn(width: 4, classes: 10);
        model.to(ScalarType.Float32);
        return model;
    }

    private static EpochPlan Plan(int epoch) => new(epoch, BatchSize: 16, Adversarial: false, AdversarialMode.Mixture, PgdConfig.Training(), RunSeed: 7, "test");

    private static (List<EpochMetrics> Metrics, Tensor Delta) Train(Dynamics dynamics, bool cached, LabeledImages data)
    {
        using var parent = Parent();
        using var child = new LinearizedClassifier(parent, dynamics);
        var optimizer = new MomentumSgd(child.Trainable, learningRate: 0.05, momentum: 0.9);
        using var features = cached ? JacobianFeatures.Compute(child.Parent, data.Images, new(), NullProgress.Instance, "features") : null;
        var metrics = Enumerable.Range(0, Epochs).Select(e => cached
            ? CachedJacobianEpoch.Run(child, features!, optimizer, data.Labels, Plan(e), NullProgress.Instance)
            : EpochLoop.Run(child, optimizer, data, Plan(e), NullProgress.Instance)).ToList();
        var delta = torch.cat(child.Trainable.Zip(child.Parent.ParameterList(), (t, p) => (t - p).flatten()).ToArray()).detach().clone();
        return (metrics, delta);
    }

    [Theory]
    [InlineData(Dynamics.Linearized)]
    [InlineData(Dynamics.Centered)]
    public void CachedRowsFollowTheTangentPassTrajectory(Dynamics dynamics)
    {
        using var data = Images(perClass: 6); // 60 samples: 4 batches per epoch, the last one partial
        var (tangent, tangentDelta) = Train(dynamics, cached: false, data);
        var (cached, cachedDelta) = Train(dynamics, cached: true, data);
        // The routes differ by float32 rounding (about 1e-7 per operation, in a different order);
        // a linear model under a convex loss does not amplify it much over 12 steps.
        const double tolerance = 1e-4;
        for (int e = 0; e < Epochs; e++)
        {
            Assert.True(Math.Abs(cached[e].Loss - tangent[e].Loss) <= tolerance * tangent[e].Loss, $"epoch {e + 1}: loss {cached[e].Loss} vs {tangent[e].Loss}");
            Assert.True(Math.Abs(cached[e].Accuracy - tangent[e].Accuracy) <= 1.0 / data.Count + 1e-12, $"epoch {e + 1}: accuracy {cached[e].Accuracy} vs {tangent[e].Accuracy}");
        }
        double scale = tangentDelta.abs().max().ToDouble();
        output.WriteLine($"{dynamics}: losses {string.Join(" ", tangent.Select(m => m.Loss.ToString("G9")))} (tangent) vs {string.Join(" ", cached.Select(m => m.Loss.ToString("G9")))} (cached); " +
                         $"max |Δθ| {TestNets.MaxAbs(cachedDelta - tangentDelta):G3} of max |δ| {scale:G3}");
        Assert.True(scale > 1e-3, $"θ must move away from θt (max |δ| = {scale})");
        Assert.True(TestNets.MaxAbs(cachedDelta - tangentDelta) <= tolerance * scale,
            $"final θ − θt differs by {TestNets.MaxAbs(cachedDelta - tangentDelta)} (max |δ| {scale})");
    }

    [Fact]
    public void StreamedRowsAreTheRowsHeldInMemory()
    {
        using var data = Images(perClass: 3);
        using var parent = Parent();
        var scratch = TestData.TempDir("scratch");
        using var inMemory = JacobianFeatures.Compute(parent, data.Images, new(MemoryBudgetBytes: long.MaxValue), NullProgress.Instance, "in memory");
        using (var streamed = JacobianFeatures.Compute(parent, data.Images, new(MemoryBudgetBytes: 0, ScratchFolder: scratch), NullProgress.Instance, "streamed"))
        {
            Assert.Equal(JacobianStorage.InMemory, inMemory.Storage);
            Assert.Equal(JacobianStorage.Streamed, streamed.Storage);
            Assert.Single(Directory.GetFiles(scratch));
            using var indices = torch.tensor(new long[] { 29, 0, 17, 3, 17 });
            var rowsB = streamed.Rows(indices);
            Assert.True(inMemory.Rows(indices).BitEqual(rowsB));
            Assert.True(inMemory.Outputs(indices).BitEqual(streamed.Outputs(indices)));
            // Against the kernel's rows of the same samples, computed directly.
            using var direct = NtkRepro.Numerics.Kernels.PerSampleGradients.Rows(parent, data.Images.index_select(0, indices), Enumerable.Range(0, 10).ToArray());
            Assert.True(TestNets.RelErr(rowsB, direct) < 1e-5); // float32, other batch sizes
            Assert.True(TestNets.MaxAbs(rowsB) > 0);
        }
        Assert.Empty(Directory.GetFiles(scratch)); // the scratch file goes with the features
    }

    [Fact]
    public void TheMemoryRuleHoldsRowsThatFitTheBudgetInMemory()
    {
        Assert.Equal(JacobianStorage.InMemory, JacobianFeatures.StorageFor(rowBytes: 100, budgetBytes: 100));
        Assert.Equal(JacobianStorage.Streamed, JacobianFeatures.StorageFor(rowBytes: 101, budgetBytes: 100));
        // The mini preset: 5,000 images × 10 classes × 33,626 parameters in float32.
        Assert.Equal(5000L * 10 * 33626 * 4, JacobianFeatures.Bytes(5000, 10, 33626, ScalarType.Float32));
    }
}

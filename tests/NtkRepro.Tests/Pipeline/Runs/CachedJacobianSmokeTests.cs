using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Pipeline.Runs;

/// <summary>The mini preset's network on real CIFAR-10 images: the cached-Jacobian route trains the tangent pass's children.</summary>
[Tier(TestTier.Smoke)]
public class CachedJacobianSmokeTests(ITestOutputHelper output)
{
    [CifarFact]
    public void TheMiniNetworkTrainsTheSameChildrenOnBothRoutes()
    {
        var data = new DataSpec(CifarSource.Cifar10, 30, 10); // 300 training images
        var (train, test) = DatasetLoader.Load(data);
        test.Dispose();
        using (train)
        {
            var parent = TestData.TempDir("parent");
            Stage1.Train(new Stage1Config { Model = new ModelSpec(ModelSpec.SmallCnn, 16, 10), Data = data, Epochs = 2, FractionalCheckpoints = [0.5] },
                parent, train, torch.CPU, NullProgress.Instance);
            foreach (var dynamics in new[] { Dynamics.Linearized, Dynamics.Centered })
            {
                var config = new Stage2Config { ParentRun = parent, SpawnEpoch = 2, Dynamics = dynamics, Epochs = 3, LearningRate = 0.05 };
                var runs = new[] { TrainingRoute.ForwardPass, TrainingRoute.CachedJacobian }.Select(route =>
                {
                    var dir = TestData.TempDir($"child-{route}");
                    Stage2.Train(config with { TrainingRoute = route }, dir, train, torch.CPU, NullProgress.Instance);
                    using var child = (LinearizedClassifier)Stage2.LoadChild(dir, torch.CPU);
                    var delta = torch.cat(child.Trainable.Zip(child.Parent.ParameterList(), (t, p) => (t - p).flatten()).ToArray()).detach().clone();
                    return (Metrics: Json.Read<List<EpochMetrics>>(Path.Combine(dir, "metrics.json")), Delta: delta);
                }).ToArray();
                var (tangent, cached) = (runs[0], runs[1]);
                double scale = tangent.Delta.abs().max().ToDouble(), deviation = TestNets.MaxAbs(cached.Delta - tangent.Delta);
                output.WriteLine($"{dynamics}: losses {string.Join(" ", tangent.Metrics.Select(m => m.Loss.ToString("G7")))} (forward pass) vs " +
                                 $"{string.Join(" ", cached.Metrics.Select(m => m.Loss.ToString("G7")))} (cached); max |Δθ| {deviation:G3} of max |δ| {scale:G3}");
                // Float32 rounding in another order over 9 steps of a linear model under a convex loss.
                const double tolerance = 1e-4;
                for (int e = 0; e < config.Epochs; e++)
                    Assert.True(Math.Abs(cached.Metrics[e].Loss - tangent.Metrics[e].Loss) <= tolerance * tangent.Metrics[e].Loss,
                        $"{dynamics}, epoch {e + 1}: loss {cached.Metrics[e].Loss} (cached) vs {tangent.Metrics[e].Loss} (forward pass)");
                Assert.True(tangent.Metrics[^1].Loss < tangent.Metrics[0].Loss, $"{dynamics}: the child must learn for the comparison to mean much");
                Assert.True(deviation <= tolerance * scale, $"{dynamics}: final θ − θt differs by {deviation} (max |δ| {scale})");
            }
        }
    }
}

using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Pipeline.Runs;

/// <summary>Stage-2 runs on the cached-Jacobian route: the same child as the forward pass, the same folders, exact resume.</summary>
[Tier(TestTier.Fast)]
public class CachedJacobianRunTests
{
    private static readonly (LabeledImages Train, LabeledImages Test) Data = SyntheticCifar.Create(12, 4, seed: 3);
    private static readonly Lazy<string> ParentRun = new(() =>
    {
        var dir = TestData.TempDir("parent");
        Stage1.Train(new Stage1Config
        {
            Model = new ModelSpec(ModelSpec.SmallCnn, 4, 10),
            Data = new DataSpec(DatasetLoader.Synthetic, 12, 40),
            Epochs = 2,
            BatchSize = 32,
            FractionalCheckpoints = [0.5],
        }, dir, Data.Train, torch.CPU, NullProgress.Instance);
        return dir;
    });

    private static Stage2Config Child(Dynamics dynamics, TrainingRoute route, int epochs = 3) => new()
    {
        ParentRun = ParentRun.Value,
        SpawnEpoch = 2,
        Dynamics = dynamics,
        Epochs = epochs,
        BatchSize = 32,
        LearningRate = 0.05,
        TrainingRoute = route,
    };

    private static (string Dir, List<EpochMetrics> Metrics, RunSummary Summary) Train(Stage2Config config, JacobianCacheOptions? cache = null)
    {
        var dir = TestData.TempDir("child");
        var summary = Stage2.Train(config, dir, Data.Train, torch.CPU, NullProgress.Instance, cache);
        return (dir, Json.Read<List<EpochMetrics>>(Path.Combine(dir, "metrics.json")), summary);
    }

    private static Tensor Delta(string childDir)
    {
        using var child = (LinearizedClassifier)Stage2.LoadChild(childDir, torch.CPU);
        return torch.cat(child.Trainable.Zip(child.Parent.ParameterList(), (t, p) => (t - p).flatten()).ToArray()).detach().clone();
    }

    /// <summary>Stops the run (as a kill would) once the given epoch is logged, i.e. after its state is saved.</summary>
    private sealed class StopAfterEpoch(int epoch) : IProgressSink
    {
        public void Report(string task, long done, long total, string detail) { }
        public void Log(string line)
        {
            if (line.Contains($"epoch {epoch}/")) throw new OperationCanceledException("simulated interruption");
        }
    }

    [Theory]
    [InlineData(Dynamics.Linearized)]
    [InlineData(Dynamics.Centered)]
    public void BothRoutesTrainTheSameChild(Dynamics dynamics)
    {
        var tangent = Train(Child(dynamics, TrainingRoute.ForwardPass));
        var cached = Train(Child(dynamics, TrainingRoute.CachedJacobian));
        Assert.Contains("\"trainingRoute\": \"cached-jacobian\"", File.ReadAllText(Path.Combine(cached.Dir, "config.json")));
        Assert.StartsWith("cached-jacobian: ", cached.Summary.Route);
        Assert.Contains("held in memory", cached.Summary.Route);
        Assert.Equal("forward-pass", tangent.Summary.Route);
        // Float32 rounding in another order (about 1e-7 per operation) over 3 epochs of 2 batches.
        const double tolerance = 1e-4;
        Assert.Equal(3, cached.Metrics.Count);
        for (int e = 0; e < 3; e++)
            Assert.True(Math.Abs(cached.Metrics[e].Loss - tangent.Metrics[e].Loss) <= tolerance * tangent.Metrics[e].Loss,
                $"epoch {e + 1}: loss {cached.Metrics[e].Loss} (cached) vs {tangent.Metrics[e].Loss} (forward pass)");
        // The final checkpoint is the linearized classifier's state: it loads for evaluation as the forward-pass child does.
        using var deltaTangent = Delta(tangent.Dir);
        using var deltaCached = Delta(cached.Dir);
        double scale = deltaTangent.abs().max().ToDouble();
        Assert.True(scale > 1e-3, $"θ must move away from θt (max |δ| = {scale})");
        Assert.True(TestNets.MaxAbs(deltaCached - deltaTangent) <= tolerance * scale,
            $"final θ − θt differs by {TestNets.MaxAbs(deltaCached - deltaTangent)} (max |δ| {scale})");
    }

    [Fact]
    public void AnInterruptedCachedRunResumesToTheSameBits()
    {
        var config = Child(Dynamics.Linearized, TrainingRoute.CachedJacobian);
        var whole = Train(config);
        var broken = TestData.TempDir("broken");
        Assert.Throws<OperationCanceledException>(() => Stage2.Train(config, broken, Data.Train, torch.CPU, new StopAfterEpoch(1)));
        Assert.False(File.Exists(Path.Combine(broken, "done.json")));
        Stage2.Train(config, broken, Data.Train, torch.CPU, NullProgress.Instance);
        var checkpoint = Path.Combine("checkpoints", "epoch-3.ckpt");
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole.Dir, checkpoint)), File.ReadAllBytes(Path.Combine(broken, checkpoint)));
        var resumed = Json.Read<List<EpochMetrics>>(Path.Combine(broken, "metrics.json"));
        Assert.Equal(whole.Metrics.Select(m => (m.Loss, m.Accuracy)), resumed.Select(m => (m.Loss, m.Accuracy)));
    }

    [Fact]
    public void StreamedRowsTrainTheSameBitsAsRowsInMemory()
    {
        var config = Child(Dynamics.Centered, TrainingRoute.CachedJacobian, epochs: 2);
        var inMemory = Train(config, new(MemoryBudgetBytes: long.MaxValue));
        var streamed = Train(config, new(MemoryBudgetBytes: 1));
        Assert.Contains("streamed from a scratch file", streamed.Summary.Route);
        var checkpoint = Path.Combine("checkpoints", "epoch-2.ckpt");
        Assert.Equal(File.ReadAllBytes(Path.Combine(inMemory.Dir, checkpoint)), File.ReadAllBytes(Path.Combine(streamed.Dir, checkpoint)));
        Assert.Empty(Directory.GetFiles(streamed.Dir, "*.scratch")); // the scratch file is gone with the run
    }

    [Fact]
    public void SiblingsOfOneParentCheckpointShareTheirFeaturesAndTrainTheSameBits()
    {
        var linearized = Child(Dynamics.Linearized, TrainingRoute.CachedJacobian, epochs: 1);
        var centered = Child(Dynamics.Centered, TrainingRoute.CachedJacobian, epochs: 1);
        var alone = new[] { Train(linearized), Train(centered) };
        using var shared = new JacobianFeatureCache();
        var together = new[] { Train(linearized, new(Shared: shared)), Train(centered, new(Shared: shared)) };
        Assert.DoesNotContain("reused", together[0].Summary.Route);
        Assert.Contains("reused", together[1].Summary.Route);
        var checkpoint = Path.Combine("checkpoints", "epoch-1.ckpt");
        for (int i = 0; i < 2; i++)
            Assert.Equal(File.ReadAllBytes(Path.Combine(alone[i].Dir, checkpoint)), File.ReadAllBytes(Path.Combine(together[i].Dir, checkpoint)));
    }

    [Fact]
    public void AutoCachesLongBenignLinearChildrenAndKeepsTheForwardPassForTheOthers()
    {
        const int longEnough = TrainingRoutes.MinCachedJacobianEpochs;
        string RouteIn(string dir) => Json.Read<System.Text.Json.JsonElement>(Path.Combine(dir, "config.json"))
            .GetProperty("config").GetProperty("trainingRoute").GetString()!;
        var benign = Train(Child(Dynamics.Centered, TrainingRoute.Auto, epochs: longEnough));
        var shortBenign = Train(Child(Dynamics.Centered, TrainingRoute.Auto, epochs: 1));
        var standard = Train(Child(Dynamics.Standard, TrainingRoute.Auto, epochs: 1));
        var adversarial = Train(Child(Dynamics.Centered, TrainingRoute.Auto, epochs: 1) with { Adversarial = true, TrainAttack = new NtkRepro.Numerics.Attacks.PgdConfig(4.0 / 255, 2, 2.0 / 255) });
        Assert.Equal("cached-jacobian", RouteIn(benign.Dir));
        Assert.Equal("forward-pass", RouteIn(shortBenign.Dir));
        Assert.Equal("forward-pass", RouteIn(standard.Dir));
        Assert.Equal("forward-pass", RouteIn(adversarial.Dir));
        // The same auto configuration reopens its folder (the resolved route is written, not "auto").
        Assert.Equal(benign.Summary.Finished, Stage2.Train(Child(Dynamics.Centered, TrainingRoute.Auto, epochs: longEnough), benign.Dir, Data.Train, torch.CPU, NullProgress.Instance).Finished);
    }
}

using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Runs;

[Tier(TestTier.Fast)]
public class TrainingRunTests
{
    private static readonly (LabeledImages Train, LabeledImages Test) Data = SyntheticCifar.Create(12, 4, seed: 3);

    private static Stage1Config Tiny(Schedule? schedule = null, int epochs = 3) => new()
    {
        Model = new ModelSpec(ModelSpec.SmallCnn, 4, 10),
        Data = new DataSpec(DatasetLoader.Synthetic, 12, 40),
        Schedule = schedule ?? Schedule.Benign,
        TrainAttack = PgdConfig.Training(steps: 2),
        Epochs = epochs,
        BatchSize = 32,
        FractionalCheckpoints = [0.5],
    };

    /// <summary>Stops the run (as a kill would) once the given epoch is logged, i.e. after its state is saved.</summary>
    private sealed class StopAfterEpoch(int epoch) : IProgressSink
    {
        public void Report(string task, long done, long total, string detail) { }
        public void Log(string line)
        {
            if (line.Contains($"epoch {epoch}/")) throw new OperationCanceledException("simulated interruption");
        }
    }

    [Fact]
    public void Stage1WritesEveryCheckpointMetricsAndDone()
    {
        var dir = TestData.TempDir("stage1");
        var summary = Stage1.Train(Tiny(), dir, Data.Train, torch.CPU, NullProgress.Instance);
        var run = RunDirectory.Read<Stage1Config>(dir, Stage1.Kind).Dir;
        Assert.Equal(new[] { 0, 0.5, 1, 2, 3 }, run.CheckpointEpochs());
        Assert.True(run.IsDone);
        Assert.Equal(3, summary.Epochs);
        Assert.Equal(3, Json.Read<List<EpochMetrics>>(run.MetricsPath).Count);
        // A second call finds the run done and trains nothing.
        var stamp = File.GetLastWriteTimeUtc(run.CheckpointPath(3));
        Stage1.Train(Tiny(), dir, Data.Train, torch.CPU, NullProgress.Instance);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(run.CheckpointPath(3)));
    }

    [Fact]
    public void InterruptedRunResumesToTheSameFiguresAsAnUninterruptedOne()
    {
        var config = Tiny(Schedule.Switch(1));
        var whole = TestData.TempDir("whole");
        Stage1.Train(config, whole, Data.Train, torch.CPU, NullProgress.Instance);
        var broken = TestData.TempDir("broken");
        Assert.Throws<OperationCanceledException>(() => Stage1.Train(config, broken, Data.Train, torch.CPU, new StopAfterEpoch(2)));
        Assert.False(File.Exists(Path.Combine(broken, "done.json")));
        Stage1.Train(config, broken, Data.Train, torch.CPU, NullProgress.Instance);
        var a = RunDirectory.Read<Stage1Config>(whole, Stage1.Kind).Dir;
        var b = RunDirectory.Read<Stage1Config>(broken, Stage1.Kind).Dir;
        Assert.Equal(File.ReadAllBytes(a.CheckpointPath(3)), File.ReadAllBytes(b.CheckpointPath(3)));
        Assert.Equal(File.ReadAllText(a.MetricsPath).Split("seconds")[0], File.ReadAllText(b.MetricsPath).Split("seconds")[0]);
        var ma = Json.Read<List<EpochMetrics>>(a.MetricsPath);
        var mb = Json.Read<List<EpochMetrics>>(b.MetricsPath);
        Assert.Equal(ma.Select(m => (m.Loss, m.Accuracy, m.AdversarialLoss)), mb.Select(m => (m.Loss, m.Accuracy, m.AdversarialLoss)));
    }

    [Fact]
    public void AFolderHoldingAnotherConfigurationIsRefused()
    {
        var dir = TestData.TempDir("refuse");
        Stage1.Train(Tiny(epochs: 1), dir, Data.Train, torch.CPU, NullProgress.Instance);
        var e = Assert.Throws<InvalidOperationException>(() => Stage1.Train(Tiny(epochs: 2), dir, Data.Train, torch.CPU, NullProgress.Instance));
        Assert.Contains("another configuration", e.Message);
        Assert.Contains("epochs", e.Message);
    }

    [Fact]
    public void DivergenceStopsWithAClearMessageAndKeepsTheLastGoodState()
    {
        var dir = TestData.TempDir("nan");
        var config = Tiny(epochs: 3);
        Assert.Throws<OperationCanceledException>(() => Stage1.Train(config, dir, Data.Train, torch.CPU, new StopAfterEpoch(1)));
        var run = RunDirectory.Read<Stage1Config>(dir, Stage1.Kind).Dir;
        var goodState = File.ReadAllBytes(run.StatePath);
        // The resumed epoch 2 meets a NaN image: its batch's loss is NaN.
        using var poisoned = new LabeledImages(Data.Train.Images.clone(), Data.Train.Labels.clone(), 10, "poisoned");
        poisoned.Images[5, 0, 0, 0] = torch.tensor(float.NaN);
        var e = Assert.Throws<TrainingDivergedException>(() => Stage1.Train(config, dir, poisoned, torch.CPU, NullProgress.Instance));
        Assert.Contains("loss is NaN at epoch 2", e.Message);
        Assert.False(run.IsDone);
        Assert.Equal(goodState, File.ReadAllBytes(run.StatePath));
        using var c = new StandardClassifier(config.Model.Create(0));
        var progress = run.LoadState(c, new MomentumSgd(c.Trainable, 0.1, 0.9));
        Assert.Equal(1, progress.CompletedEpochs);
        Assert.All(c.Trainable, p => Assert.True(p.isfinite().all().ToBoolean()));
    }

    [Fact]
    public void Stage2TrainsTheChildAndNeverTouchesTheParent()
    {
        var parentDir = TestData.TempDir("parent");
        Stage1.Train(Tiny(epochs: 2), parentDir, Data.Train, torch.CPU, NullProgress.Instance);
        var parentBytes = File.ReadAllBytes(Path.Combine(parentDir, "checkpoints", "epoch-1.ckpt"));
        foreach (var (dynamics, adversarial) in new[] { (Dynamics.Linearized, false), (Dynamics.Centered, true) })
        {
            var config = new Stage2Config { ParentRun = parentDir, SpawnEpoch = 1, Dynamics = dynamics, Adversarial = adversarial, Epochs = 2, BatchSize = 32,
                TrainAttack = PgdConfig.Training(steps: 2) };
            var childDir = TestData.TempDir("child");
            Stage2.Train(config, childDir, Data.Train, torch.CPU, NullProgress.Instance);
            using var child = (LinearizedClassifier)Stage2.LoadChild(childDir, torch.CPU);
            using var parent = Stage2.LoadParent(parentDir, 1, torch.CPU);
            Assert.All(parent.state_dict(), kv => Assert.True(kv.Value.BitEqual(child.Parent.state_dict()[kv.Key]), kv.Key));
            Assert.Contains(child.Trainable.Zip(parent.ParameterList()), p => !p.First.BitEqual(p.Second));
        }
        Assert.Equal(parentBytes, File.ReadAllBytes(Path.Combine(parentDir, "checkpoints", "epoch-1.ckpt")));
    }

    [Fact]
    public void MissingParentCheckpointIsNamed()
    {
        var parentDir = TestData.TempDir("parent");
        Stage1.Train(Tiny(epochs: 1), parentDir, Data.Train, torch.CPU, NullProgress.Instance);
        var config = new Stage2Config { ParentRun = parentDir, SpawnEpoch = 7, Dynamics = Dynamics.Centered, Epochs = 1 };
        var e = Assert.Throws<FileNotFoundException>(() => Stage2.Train(config, TestData.TempDir("child"), Data.Train, torch.CPU, NullProgress.Instance));
        Assert.Contains("no checkpoint at epoch 7", e.Message);
        Assert.Contains("0, 0.5, 1", e.Message);
    }
}

using NtkRepro.Cli;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Cli;

/// <summary>Stage 1, stage 2, evaluation and kernels end to end through the command line.</summary>
[Tier(TestTier.Smoke)]
public class PipelineSmokeTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliProcess.InProcess(args);

    private static void Ok(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.True(code == 0, $"ntkrepro {string.Join(' ', args)} exited {code}\n{error}\n{output}");
    }

    [Fact]
    public void StageOneStageTwoEvaluationAndKernels()
    {
        var dir = TestData.TempDir("pipeline");
        string[] common = ["--dataset", "synthetic", "--train-per-class", "20", "--width", "4", "--epochs", "2", "--batch", "64", "--pgd-steps", "2"];
        Ok(["train", "stage1", "--out", $"{dir}/benign", .. common]);
        Ok(["train", "stage1", "--out", $"{dir}/adversarial", "--schedule", "adversarial", "--adversarial-mode", "pure", .. common]);
        foreach (var (name, extra) in new[] { ("lin", new[] { "--dynamics", "linearized" }), ("cen", new[] { "--dynamics", "centered" }),
            ("cen-at", new[] { "--dynamics", "centered", "--adversarial" }) })
        {
            Ok(["train", "stage2", "--out", $"{dir}/{name}", "--parent", $"{dir}/adversarial", "--spawn", "1", "--epochs", "1", "--batch", "64", "--pgd-steps", "2", .. extra]);
            Ok(["eval", "--run", $"{dir}/{name}", "--pgd-steps", "3", "--test-count", "50"]);
            Assert.Single(Directory.GetFiles($"{dir}/{name}/eval", "*.json"));
        }
        Ok(["eval", "--run", $"{dir}/benign", "--epoch", "0.5", "--pgd-steps", "3", "--test-count", "50"]);
        var (code, output, _) = Run("ntk", "--run", $"{dir}/benign", "--epochs", "0,1,2", "--per-class", "3");
        Assert.Equal(0, code);
        Assert.Contains("eff. rank", output);
        Assert.True(File.Exists($"{dir}/benign/kernels/per-class-3_seed-0/epoch-2.npy") && File.Exists($"{dir}/benign/kernels/per-class-3_seed-0/metrics.json"));
    }

    [Fact]
    public void BadArgumentsGiveAOneLineReasonAndNonZeroExit()
    {
        var (code, _, err) = Run("train", "stage1", "--out", TestData.TempDir("bad"), "--model", "vgg", "--dataset", "synthetic");
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("unknown architecture 'vgg'", err);
        (code, _, err) = Run("eval", "--run", "/nonexistent/run");
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("not a run folder", err);
        (code, _, err) = Run("train", "stage1", "--out", TestData.TempDir("bad"), "--device", "cuda:0", "--dataset", "synthetic");
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("CUDA is not available", err);
    }

    [Fact]
    public void AKilledTrainingRunResumesToTheSameFigures()
    {
        var dir = TestData.TempDir("kill");
        string[] args = ["train", "stage1", "--dataset", "synthetic", "--train-per-class", "60", "--width", "4", "--epochs", "5",
            "--batch", "64", "--schedule", "switch:2", "--pgd-steps", "2", "--threads", "2"];
        AssertAKilledRunResumesToTheSameFigures(args, dir, finalEpoch: 5);
    }

    [Fact]
    public void AKilledStageTwoRunResumesToTheSameFigures()
    {
        var dir = TestData.TempDir("kill2");
        Ok("train", "stage1", "--out", $"{dir}/parent", "--dataset", "synthetic", "--train-per-class", "30", "--width", "4", "--epochs", "1",
            "--batch", "64", "--threads", "2");
        string[] args = ["train", "stage2", "--parent", $"{dir}/parent", "--spawn", "1", "--dynamics", "linearized", "--adversarial",
            "--epochs", "3", "--batch", "64", "--pgd-steps", "2", "--threads", "2"];
        AssertAKilledRunResumesToTheSameFigures(args, dir, finalEpoch: 3);
    }

    /// <summary>
    /// Runs the command whole, then again killed (SIGKILL) as soon as its first resume state is
    /// written (so during the second epoch) and restarted: both end with the same final checkpoint
    /// bytes and per-epoch metrics.
    /// </summary>
    private static void AssertAKilledRunResumesToTheSameFigures(string[] args, string dir, int finalEpoch)
    {
        Assert.Equal(0, RunProcess([.. args, "--out", $"{dir}/whole"], killWhenExists: null));
        int killed = RunProcess([.. args, "--out", $"{dir}/killed"], killWhenExists: $"{dir}/killed/state.zip");
        Assert.NotEqual(0, killed); // SIGKILL
        Assert.False(File.Exists($"{dir}/killed/done.json"));
        Assert.False(File.Exists($"{dir}/killed/checkpoints/epoch-{finalEpoch}.ckpt"));
        Assert.Equal(0, RunProcess([.. args, "--out", $"{dir}/killed"], killWhenExists: null));
        Assert.Equal(File.ReadAllBytes($"{dir}/whole/checkpoints/epoch-{finalEpoch}.ckpt"), File.ReadAllBytes($"{dir}/killed/checkpoints/epoch-{finalEpoch}.ckpt"));
        var a = Json.Read<List<EpochMetrics>>($"{dir}/whole/metrics.json");
        var b = Json.Read<List<EpochMetrics>>($"{dir}/killed/metrics.json");
        Assert.Equal(finalEpoch, a.Count);
        Assert.Equal(a.Select(m => (m.Loss, m.Accuracy, m.AdversarialLoss, m.AdversarialAccuracy)), b.Select(m => (m.Loss, m.Accuracy, m.AdversarialLoss, m.AdversarialAccuracy)));
    }

    private static int RunProcess(string[] args, string? killWhenExists) => CliProcess.Run(args, killWhenExists).Code;
}

using NtkRepro.Cli;
using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Cli;

/// <summary>A finished two-epoch run on synthetic data, for the verbs that read one.</summary>
public sealed class TinyRunFolder : IDisposable
{
    public string Root { get; } = TestData.TempDir("bad-input");

    public TinyRunFolder()
    {
        Directory.CreateDirectory(Path.Combine(Root, "empty"));
        File.WriteAllText(Path.Combine(Root, "a-file"), "not a folder");
        var config = new Stage1Config
        {
            Model = new ModelSpec(ModelSpec.SmallCnn, 4, 10),
            Data = new DataSpec(DatasetLoader.Synthetic, 12, 40),
            TrainAttack = PgdConfig.Training(steps: 2),
            Epochs = 2,
            BatchSize = 32,
            FractionalCheckpoints = [0.5],
        };
        var (train, test) = DatasetLoader.Load(config.Data);
        using (train)
        using (test)
            Stage1.Train(config, Path.Combine(Root, "run"), train, torch.CPU, NullProgress.Instance);
    }

    /// <summary>The arguments with {empty}, {file}, {missing}, {run} and {tmp} replaced by paths of this fixture.</summary>
    public string[] Expand(IEnumerable<string> args) => args.Select(Expand).ToArray();

    public string Expand(string text) => text
        .Replace("{empty}", Path.Combine(Root, "empty"))
        .Replace("{file}", Path.Combine(Root, "a-file"))
        .Replace("{missing}", Path.Combine(Root, "no-such-thing"))
        .Replace("{run}", Path.Combine(Root, "run"))
        .Replace("{tmp}", Path.Combine(Root, "out-" + Guid.NewGuid().ToString("N")))
        .Replace("{repo}", DataRoot.RepositoryRoot() ?? throw new InvalidOperationException("the tests run outside the repository"));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>
/// Every verb's bad input, from one table: exit 2, one line on stderr that names the option (or
/// file) and the value as typed, no stack trace, and no work done (each row returns in well under
/// the time a step takes, since the bad value is found before any data is read or network trained).
/// </summary>
[Tier(TestTier.Fast)]
public class BadInputTests(TinyRunFolder fixture) : IClassFixture<TinyRunFolder>
{
    /// <summary>The verb's arguments (placeholders as in <see cref="TinyRunFolder.Expand(string)"/>) and what its one error line must name.</summary>
    public static TheoryData<string, string> Table => new()
    {
        // train stage1: every numeric option out of range, names that mean nothing, folders that are files or empty
        { "train stage1 --out {tmp} --dataset synthetic --epochs 0", "--epochs 0" },
        { "train stage1 --out {tmp} --dataset synthetic --epochs -3", "--epochs -3" },
        { "train stage1 --out {tmp} --dataset synthetic --epochs three", "'three'" },
        { "train stage1 --out {tmp} --dataset synthetic --width 0", "--width 0" },
        { "train stage1 --out {tmp} --dataset synthetic --width -2", "--width -2" },
        { "train stage1 --out {tmp} --dataset synthetic --epsilon 0", "--epsilon 0" },
        { "train stage1 --out {tmp} --dataset synthetic --epsilon 300", "--epsilon 300" },
        { "train stage1 --out {tmp} --dataset synthetic --epsilon -1", "--epsilon -1" },
        { "train stage1 --out {tmp} --dataset synthetic --batch 0", "--batch 0" },
        { "train stage1 --out {tmp} --dataset synthetic --lr 0", "--lr 0" },
        { "train stage1 --out {tmp} --dataset synthetic --lr -1", "--lr -1" },
        { "train stage1 --out {tmp} --dataset synthetic --train-per-class 0", "--train-per-class 0" },
        { "train stage1 --out {tmp} --dataset synthetic --pgd-steps 0", "--pgd-steps 0" },
        { "train stage1 --out {tmp} --dataset synthetic --pgd-step-size 0", "--pgd-step-size 0" },
        { "train stage1 --out {tmp} --dataset synthetic --threads 0", "--threads 0" },
        { "train stage1 --out {tmp} --dataset synthetic --epochs 3 --schedule switch:0", "switch:0" },
        { "train stage1 --out {tmp} --dataset synthetic --epochs 3 --schedule switch:3", "switch:3" },
        { "train stage1 --out {tmp} --dataset synthetic --schedule sideways", "'sideways'" },
        { "train stage1 --out {tmp} --dataset synthetic --model no-such-net", "'no-such-net'" },
        { "train stage1 --out {tmp} --dataset no-such-set", "'no-such-set'" },
        { "train stage1 --out {file} --dataset synthetic", "--out {file}" },
        { "train stage1 --out {tmp} --dataset cifar10 --data {empty}", "{empty}" },
        { "train stage1 --out {tmp} --dataset cifar10 --data {missing}", "--data {missing}" },
        // train stage2: a spawn epoch past the parent's end, a parent that is no run
        { "train stage2 --out {tmp} --parent {run} --spawn 9", "epoch 9" },
        { "train stage2 --out {tmp} --parent {run} --spawn -1", "--spawn -1" },
        { "train stage2 --out {tmp} --parent {run} --spawn 1 --epochs 0", "--epochs 0" },
        { "train stage2 --out {tmp} --parent {empty} --spawn 1", "{empty}" },
        { "train stage2 --out {tmp} --parent {run} --spawn 1 --feature-memory-gib 0", "--feature-memory-gib 0" },
        { "train stage2 --out {tmp} --parent {run} --spawn 1 --dynamics sideways", "--dynamics sideways" },
        // eval
        { "eval --run {run} --epoch 9", "epoch 9" },
        { "eval --run {run} --epoch -1", "--epoch -1" },
        { "eval --run {run} --test-count 0", "--test-count 0" },
        { "eval --run {run} --batch 0", "--batch 0" },
        { "eval --run {run} --epsilon 256", "--epsilon 256" },
        { "eval --run {run} --pgd-steps 0", "--pgd-steps 0" },
        { "eval --run {file}", "{file}" },
        // ntk
        { "ntk --run {run} --epochs 9", "epoch 9" },
        { "ntk --run {run} --epochs 1,x", "'1,x'" },
        { "ntk --run {run} --per-class 0", "--per-class 0" },
        { "ntk --run {empty}", "{empty}" },
        // eigen
        { "eigen --class -1 --out {tmp} --initial {run}", "--class -1" },
        { "eigen --class 0 --steps 0 --out {tmp} --initial {run}", "--steps 0" },
        { "eigen --class 0 -k 0 --out {tmp} --initial {run}", "-k 0" },
        { "eigen --class 0 --step-size 0 --out {tmp} --initial {run}", "--step-size 0" },
        { "eigen --class 0 --out {file} --initial {run}", "--out {file}" },
        // bench
        { "bench --rounds 0", "--rounds 0" },
        { "bench --batch 0", "--batch 0" },
        { "bench --width 0", "--width 0" },
        { "bench --ntk-points -1", "--ntk-points -1" },
        { "bench stage2 --parent {run} --spawn 1 --rounds 0", "--rounds 0" },
        // the plan's verbs: presets, radii and datasets a preset does not run, stores that are files
        { "plan --preset no-such-preset", "'no-such-preset'" },
        { "plan --preset smoke --epsilon 0", "--epsilon 0" },
        { "plan --preset smoke --epsilon 300", "--epsilon 300" },
        { "plan --preset smoke --epsilon four", "--epsilon four" },
        { "plan --preset smoke --dataset cifar100", "--dataset cifar100" },
        { "plan --preset smoke --shards 0", "--shards 0" },
        { "plan --preset smoke --format github-matrix --wave 99", "wave 99" },
        { "plan --preset smoke --format slurm --wave 1", "--wave 1" },
        { "plan --preset smoke --format yaml", "--format yaml" },
        { "reproduce --preset no-such-preset --store {tmp}", "'no-such-preset'" },
        { "reproduce --preset smoke --store {tmp} --jobs 0", "--jobs 0" },
        { "reproduce --preset smoke --store {tmp} --threads 0", "--threads 0" },
        { "reproduce --preset smoke --store {tmp} --epsilon 0", "--epsilon 0" },
        { "reproduce --preset smoke --store {file}", "--store {file}" },
        { "reproduce --preset mini --store {tmp} --data {empty}", "{empty}" },
        { "reproduce --preset mini --store {tmp} --data {missing}", "--data {missing}" },
        { "run-step --preset smoke --store {tmp} no-such-step", "'no-such-step'" },
        { "run-step --preset no-such-preset --store {tmp} report", "'no-such-preset'" },
        { "run-step --preset smoke --store {file} report", "--store {file}" },
        { "report --preset no-such-preset", "'no-such-preset'" },
        { "report --results {missing}", "{missing}" },
        { "report --preset smoke --store {file}", "--store {file}" },
        { "report --preset smoke --store {empty}", "--store {empty}" },
        { "costs --preset no-such-preset", "'no-such-preset'" },
        { "costs --preset smoke --store {file}", "--store {file}" },
        { "verify --preset no-such-preset", "'no-such-preset'" },
        { "verify --preset smoke --store {missing}", "{missing}" },
        { "verify --preset smoke --store {file}", "--store {file}" },
        // compare: a baseline of another preset, a path that holds nothing
        { "compare {repo}/baselines/smoke {repo}/baselines/mini", "'mini'" },
        { "compare {repo}/baselines/smoke {missing}", "{missing}" },
        // data
        { "data --data {empty}", "{empty}" },
        { "data --data {missing}", "--data {missing}" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void IsOneLineNamingTheValueAndExitTwo(string commandLine, string named)
    {
        var args = fixture.Expand(commandLine.Split(' '));
        var expected = fixture.Expand(named);
        var (code, output, error) = CliProcess.InProcess(args);
        var shown = $"ntkrepro {string.Join(' ', args)} exited {code}\nstderr:\n{error}\nstdout:\n{output}";
        Assert.True(code == (int)ExitCode.UsageOrInput, shown);
        var lines = error.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one line on stderr\n" + shown);
        Assert.StartsWith("ntkrepro: error: ", lines[0]);
        Assert.True(lines[0].Contains(expected, StringComparison.Ordinal), $"the error line does not name '{expected}'\n{shown}");
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void EveryVerbHasARow()
    {
        var verbs = new[] { "train stage1", "train stage2", "eval", "ntk", "eigen", "bench", "plan", "reproduce", "run-step", "report", "costs", "verify", "compare", "data" };
        var rows = Table.Select(r => (string)r[0]).ToList();
        Assert.All(verbs, v => Assert.Contains(rows, r => r.StartsWith(v + " ", StringComparison.Ordinal)));
    }
}

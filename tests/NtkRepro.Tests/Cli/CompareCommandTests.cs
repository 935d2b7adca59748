using NtkRepro.Cli;
using NtkRepro.Judgement.Baselines;
using NtkRepro.Tests.Infrastructure;
using NtkRepro.Tests.Judgement.Baselines;
using Xunit;

namespace NtkRepro.Tests.Cli;

/// <summary>`ntkrepro compare`: the table and summary on stdout, and the exit codes 0 (match), 1 (mismatch), 2 (unusable input).</summary>
[Tier(TestTier.Fast)]
public class CompareCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliProcess.InProcess(args);

    private static string Write(string dir, string name, FigureSet set)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, BaselineSnapshots.Serialize(set));
        return path;
    }

    [Fact]
    public void MatchingSnapshotsExit0AndAMovedFigureExits1NamingIt()
    {
        var dir = TestData.TempDir("compare");
        var a = SnapshotComparisonTests.Constructed();
        var baseline = Write(dir, "a.snap", a);
        var (code, output, _) = Run("compare", baseline, baseline);
        Assert.Equal((int)ExitCode.Success, code);
        Assert.Contains("exact mode", output);
        Assert.Contains("MATCH", output);
        var moved = a with
        {
            Figures = a.Figures.Select((f, i) => i == 0 ? f with { Mean = f.Mean + 0.3, PerReplicate = f.PerReplicate.Select(v => v + 0.3).ToList() } : f).ToList(),
            Fingerprint = null
        };
        (code, output, _) = Run("compare", baseline, Write(dir, "b.snap", moved));
        Assert.Equal((int)ExitCode.CheckFailed, code);
        Assert.Contains(a.Figures[0].Name, output);
        Assert.Contains("statistical mode", output);
        Assert.Contains("MISMATCH", output);
    }

    [Fact]
    public void SideBySideWritesTheTableWithTheLabelsAndTheComparisonsSummary()
    {
        var dir = TestData.TempDir("compare-side");
        var a = Write(dir, "a.snap", SnapshotComparisonTests.Constructed());
        var table = Path.Combine(dir, "side.md");
        var (code, _, error) = Run("compare", a, a, "--side-by-side", table, "--labels", "cuda,cpu");
        Assert.True(code == 0, error);
        var text = File.ReadAllText(table);
        Assert.StartsWith("| figure | cuda | cpu |", text);
        Assert.Contains("80 figures in both", text);
        Assert.Contains("exact mode", text);
        (code, _, error) = Run("compare", a, a, "--side-by-side", table, "--labels", "one");
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("--labels one", error);
    }

    [Fact]
    public void TheCommittedBaselineFolderComparesWithItself()
    {
        var (code, output, error) = Run("compare", BaselineSnapshots.Folder("smoke"), BaselineSnapshots.VerifiedPath("smoke"));
        Assert.True(code == 0, error + output);
    }

    [Fact]
    public void UnusableInputExits2WithOneLineNamingIt()
    {
        var dir = TestData.TempDir("compare-bad");
        var a = SnapshotComparisonTests.Constructed();
        var good = Write(dir, "a.snap", a);
        var malformed = Path.Combine(dir, "bad.snap");
        File.WriteAllText(malformed, "{ \"Preset\": ");
        foreach (var (args, expected) in new[]
                 {
                     (new[] { "compare", good, Path.Combine(dir, "missing.snap") }, "missing.snap"),
                     (new[] { "compare", good, malformed }, "malformed JSON"),
                     (new[] { "compare", good, Write(dir, "other.snap", a with { Preset = "other" }) }, "different presets"),
                     (new[] { "compare", good, dir }, "neither a baseline folder"),
                 })
        {
            var (code, _, error) = Run(args);
            Assert.Equal((int)ExitCode.UsageOrInput, code);
            Assert.Single(error.Trim().Split('\n'));
            Assert.Contains(expected, error);
        }
    }
}

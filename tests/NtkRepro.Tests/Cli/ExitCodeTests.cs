using NtkRepro.Cli;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Cli;

/// <summary>Exit codes: 0 success, 2 bad arguments or unusable input, with one line on stderr naming the bad value or file.</summary>
[Tier(TestTier.Fast)]
public class ExitCodeTests
{
    private static void AssertUsageError(string named, params string[] args)
    {
        var (code, output, error) = CliProcess.InProcess(args);
        Assert.True(code == (int)ExitCode.UsageOrInput, $"ntkrepro {string.Join(' ', args)} exited {code}\n{error}\n{output}");
        var lines = error.Trim().Split('\n');
        Assert.Single(lines, l => l.Contains(named));
        Assert.All(lines, l => Assert.StartsWith("ntkrepro: error: ", l));
        Assert.DoesNotContain("   at ", error); // no stack trace
    }

    [Fact]
    public void HelpSucceeds()
    {
        var (code, output, error) = CliProcess.InProcess("--help");
        Assert.True(code == (int)ExitCode.Success, error);
        Assert.Contains("reproduce", output);
        (code, output, error) = CliProcess.InProcess("train", "stage1", "--help"); // its required --out is not asked for
        Assert.True(code == (int)ExitCode.Success, error);
        Assert.Contains("--out", output);
    }

    [Fact]
    public void AnUnknownOptionIsAUsageError() => AssertUsageError("'--no-such-option'", "plan", "--preset", "smoke", "--no-such-option");

    [Fact]
    public void AnUnknownPresetIsAUsageError() => AssertUsageError("'no-such-preset'", "plan", "--preset", "no-such-preset");

    [Fact]
    public void ABadEnumValueIsAUsageError() =>
        AssertUsageError("--dynamics sideways", "bench", "stage2", "--parent", "/nonexistent/run", "--spawn", "1", "--dynamics", "sideways");

    [Fact]
    public void AMissingArgumentIsAUsageError() => AssertUsageError("'run-step'", "run-step", "--preset", "smoke");

    [Fact]
    public void AMissingResultsFileIsAnInputError()
    {
        var missing = Path.Combine(TestData.TempDir("report"), "results.json");
        AssertUsageError(missing, "report", "--results", missing);
    }

    [Fact]
    public void AMalformedResultsFileIsAnInputError()
    {
        var path = Path.Combine(TestData.TempDir("report"), "results.json");
        File.WriteAllText(path, "{ not json");
        AssertUsageError(path, "report", "--results", path);
    }

    [Fact]
    public void ADataRootWithoutDatasetsIsAnInputError()
    {
        var root = TestData.TempDir("empty-root");
        AssertUsageError(root, "data", "--data", root);
    }
}
